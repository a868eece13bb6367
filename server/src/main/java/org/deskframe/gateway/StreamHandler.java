package org.deskframe.gateway;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Objects;
import java.util.Set;
import java.util.List;
import java.util.Map;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.LogText;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.StorageOutage;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.protocol.AgentView;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.Op;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The gateway's frame loop. A connection must authenticate in its first frame; until then nothing else is accepted.
 * The gateway handles authenticate, refresh and pong itself and hands every other op to the capability that registered
 * an {@link OpHandler} for it. Every failure is answered with an {@code error} frame from the catalogue (echoing the
 * command's id), and failures that end the session are followed by a close frame with the catalogue's close code and
 * the error code as reason.
 */
@Component
class StreamHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);

    private final GatewaySettings settings;
    private final HandshakeVerifier handshake;
    private final SessionRegistry registry;
    private final SessionSweeper lifecycle;
    private final ConnectionAdmission admission;
    private final Map<Class<?>, OpHandler<?>> handlers;
    private final List<SessionListener> listeners;
    private final ClusterLimits limits;
    private final Presence presence;
    private final GatewayMetrics metrics;

    StreamHandler(GatewaySettings settings, HandshakeVerifier handshake, SessionRegistry registry,
                  SessionSweeper lifecycle, ConnectionAdmission admission, List<OpHandler<?>> handlers,
                  List<SessionListener> listeners, ClusterLimits limits, Presence presence, GatewayMetrics metrics) {
        this.metrics = metrics;
        this.limits = limits;
        this.presence = presence;
        this.settings = settings;
        this.handshake = handshake;
        this.registry = registry;
        this.lifecycle = lifecycle;
        this.admission = admission;
        this.listeners = List.copyOf(listeners);
        Map<Class<?>, OpHandler<?>> byFrame = new HashMap<>();
        for (OpHandler<?> h : handlers) {
            if (GATEWAY_OPS.contains(h.frame()) || byFrame.putIfAbsent(h.frame(), h) != null) {
                throw new IllegalStateException("two handlers for the op " + h.frame().getSimpleName() + " (or one for an op of the gateway's own)");
            }
        }
        this.handlers = Map.copyOf(byFrame);
        List<String> unserved = Arrays.stream(Op.values()).filter(op -> op.clientFrame().isPresent())
                .filter(op -> !GATEWAY_OPS.contains(op.clientFrame().get()) && !byFrame.containsKey(op.clientFrame().get()))
                .map(Op::wire).toList();
        if (!unserved.isEmpty()) log.warn("no capability serves the ops {}: they are answered with protocol.bad_frame", unserved);
    }

    /** The ops the gateway handles itself; every other op goes to the capability that registered it. */
    private static final Set<Class<?>> GATEWAY_OPS = Set.of(ClientFrame.Authenticate.class,
            ClientFrame.Refresh.class, ClientFrame.Pong.class);

    /** A connection finished its WebSocket upgrade; {@code originProblem} is set when its page's origin is refused. */
    StreamSession open(io.netty.channel.Channel channel, Problem originProblem) {
        StreamSession session = new StreamSession(channel, new TokenBucket(settings.framesPerSecond(), settings.framesPerSecond() * 2));
        registry.opened(session);
        lifecycle.opened(session);
        if (originProblem != null) {
            // Before any frame, so the widget is not known yet.
            fail(session, null, originProblem);
        } else if (!lifecycle.isRunning()) {
            fail(session, null, Problem.of(ErrorCode.SERVER_RESTARTING));
        }
        return session;
    }

    int maxFrameBytes() {
        return settings.maxFrameBytes();
    }

    /** A text frame within the size limit, in arrival order (one at a time per session). */
    void onText(StreamSession session, String text) {
        if (session.state == StreamSession.State.CLOSED) return;
        session.lastInbound = System.currentTimeMillis();
        if (!session.frames.tryTake()) {
            refuseOverRate(session, text);
            return;
        }
        session.idlessFrameRefused = false;
        ClientFrame frame;
        try {
            frame = FrameCodec.decode(text);
        } catch (FrameCodec.BadFrame e) {
            if (session.state == StreamSession.State.AWAITING_AUTH) {
                fail(session, e.id(), e.problem());
            } else {
                reply(session, e.id(), e.problem());
            }
            return;
        }
        try {
            dispatch(session, frame);
        } catch (ProblemException e) {
            reply(session, frame.id(), e.problem());
        } catch (RuntimeException e) {
            // The server's failure, not the client's: storage.unavailable for a database outage (retry), else
            // server.internal (retry, then report), never request.invalid.
            String op = Op.of(frame).wire();
            Problem problem = StorageOutage.problemFor(e, "op '" + op + "'");
            if (problem.error() == ErrorCode.STORAGE_UNAVAILABLE) {
                log.warn("session {}: op {} failed: the database did not answer ({})", session.id, op, StorageOutage.summary(e));
            } else {
                log.error("session {}: op {} failed", session.id, op, e);
            }
            reply(session, frame.id(), problem);
        }
    }

    /**
     * A frame over the per-connection rate is dropped, and answered: each one that carries an id gets its own
     * {@code rate.limited} with that id (so a client resending its backlog knows which to send again); those without
     * one (pongs, typing) share one reply per run of drops. More than four times the rate dropped within a second is
     * a flood: the session closes with 4029.
     */
    private void refuseOverRate(StreamSession session, String text) {
        long now = System.currentTimeMillis();
        if (now - session.refusalWindowStart >= 1000) {
            session.refusalWindowStart = now;
            session.rejectedFrames = 0;
        }
        String id = FrameCodec.idOf(text);
        if (++session.rejectedFrames > settings.framesPerSecond() * 4) {
            fail(session, id, Problem.of(ErrorCode.RATE_LIMITED, Map.of("limit", settings.framesPerSecond()
                    + " frames per second per connection (flood: disconnected)", "retryAfterSeconds", 5)));
        } else if (id != null || !session.idlessFrameRefused) {
            if (id == null) session.idlessFrameRefused = true;
            reply(session, id, Problem.of(ErrorCode.RATE_LIMITED, Map.of("limit", settings.framesPerSecond()
                    + " frames per second per connection; this frame was dropped, send it again",
                    "retryAfterSeconds", session.frames.secondsUntilNext())));
        }
    }

    /**
     * The plain {@code {"op":"pong"}} of a ready session with no frame of its own waiting, on the I/O thread: what
     * {@link #onText} would do with it (the peer is alive; the frame counts against the rate), without a thread or a
     * parse. False when the frame is over the rate: then it takes the normal path, which answers that.
     */
    boolean onBarePong(StreamSession session) {
        if (session.state != StreamSession.State.READY) return false;
        session.lastInbound = System.currentTimeMillis();
        if (!session.frames.tryTake()) return false;
        session.idlessFrameRefused = false;
        return true;
    }

    /** A text frame over {@code deskframe.gateway.max-frame-bytes} (but within what the transport takes). */
    void onOversized(StreamSession session, int size) {
        if (session.state == StreamSession.State.CLOSED) return;
        session.lastInbound = System.currentTimeMillis();
        fail(session, null, Problem.of(ErrorCode.FRAME_TOO_LARGE, Map.of("size", size, "limit", settings.maxFrameBytes())));
    }

    void onBinary(StreamSession session) {
        if (session.state == StreamSession.State.CLOSED) return;
        fail(session, null, Problem.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason", "binary frames are not part of the protocol; send JSON text frames")));
    }

    void onClosed(StreamSession session) {
        session.state = StreamSession.State.CLOSED;
        registry.closed(session);
        lifecycle.closed(session);
        // Every way a handshake ends refused is counted here, once: origin, authenticate, limits, a bad first frame,
        // handshake.timeout, server.restarting while draining.
        if (session.handshakeRefusal != null) metrics.handshakeRefused(session.claimedWidget, session.handshakeRefusal);
        if (session.principal != null) {
            limits.release(connectionSlots(session), session.id);
            presence.unregister(PrincipalKey.of(session.principal.key()), session.id);
            for (SessionListener l : listeners) l.closed(session);
        }
        log.debug("session {} closed", session.id);
    }

    private void dispatch(StreamSession session, ClientFrame frame) {
        if (session.state == StreamSession.State.AWAITING_AUTH && !(frame instanceof ClientFrame.Authenticate)) {
            fail(session, frame.id(), Problem.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason",
                    "the first frame must be {\"op\":\"authenticate\",...}, not '" + Op.of(frame).wire() + "'")));
            return;
        }
        switch (frame) {
            case ClientFrame.Authenticate a -> authenticate(session, a);
            case ClientFrame.Refresh r -> refresh(session, r);
            case ClientFrame.Pong p -> { /* lastInbound already updated */ }
            default -> handle(session, frame);
        }
    }

    @SuppressWarnings("unchecked")
    private <F extends ClientFrame> void handle(StreamSession session, F frame) {
        OpHandler<F> handler = (OpHandler<F>) handlers.get(frame.getClass());
        if (handler == null) {
            throw ProblemException.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason", "the op '" + Op.of(frame).wire()
                    + "' is not served by this deployment"));
        }
        handler.handle(session, frame);
    }

    private void authenticate(StreamSession session, ClientFrame.Authenticate a) {
        if (session.state != StreamSession.State.AWAITING_AUTH) {
            reply(session, a.id(), Problem.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason",
                    "this session is already authenticated; use {\"op\":\"refresh\"} to change its token")));
            return;
        }
        session.claimedWidget = a.widget();
        HandshakeVerifier.Outcome outcome = handshake.check(a.token(), a.widget(), a.org(), a.embedOrigin());
        if (!outcome.ok()) {
            // widget and embedOrigin are whatever the client wrote: escaped, like the problem's details.
            log.info("handshake refused: session {} widget {} origin {}: {}", session.id, LogText.escape(a.widget()),
                    a.embedOrigin() == null ? "(platform)" : LogText.escape(a.embedOrigin()), outcome.problems().getFirst().toLogLine());
            fail(session, a.id(), outcome.problems().getFirst(), outcome.problems());
            return;
        }
        VerifiedToken token = outcome.token();
        session.token = token;
        session.widget = outcome.widget();
        session.embedOrigin = a.embedOrigin();
        var agent = outcome.agent();
        // The token's own strings: an idle session keeps no copy of the agent's record.
        session.principal = token.isGuestToken() ? new Principal.Customer(token.guest().customerId(), token.orgId())
                : new Principal.Agent(token.agentId(), token.orgId());
        // The per-agent limit holds across nodes (a slot per session, freed at close or with its node's heartbeat).
        if (!limits.tryAcquire(connectionSlots(session), session.id, settings.maxConnectionsPerAgent()).granted()) {
            session.token = null;
            session.principal = null;
            Problem limited = Problem.of(ErrorCode.RATE_LIMITED, Map.of("limit", "at most " + settings.maxConnectionsPerAgent()
                    + " open connections per agent", "retryAfterSeconds", 30));
            fail(session, a.id(), limited);
            return;
        }
        // After the limit: a listener told `authenticated` is always told `closed` too (calls register the session as
        // reachable here; a session refused for the limit must leave nothing behind).
        for (SessionListener l : listeners) l.authenticated(session, a);
        registry.bind(session, session.principal.key());
        String ready = FrameCodec.encode(new ServerFrame.Ready(a.id(), session.id, session.widget.id(),
                agent == null ? null : new AgentView(agent.id(), agent.username(), agent.displayName(), agent.orgId()),
                token.scopes().stream().sorted().toList(), token.expiresAt(), settings.heartbeat().toSeconds(),
                settings.maxFrameBytes()));
        // `ready` and what the capabilities tell a new session (presence, offers, assignments, live calls) leave in one
        // batch and one flush; pushes meanwhile join it in order.
        session.hold();
        try {
            // Pushes take the same lock and check READY inside it: none can overtake `ready`, and none is lost once the
            // client has seen `ready` (one that came earlier happened before the session existed, as far as it knows).
            synchronized (session) {
                session.state = StreamSession.State.READY;
                session.send(ready);
            }
            lifecycle.recheck(session);
            admission.authenticated(session.channel);
            presence.register(PrincipalKey.of(session.principal.key()), session.id);
            log.info("handshake ok: session {} {} org {} client {} widget {}", session.id, session.principal.key(), token.orgId(),
                    token.clientId(), session.widget.id());
            metrics.handshakeReady(session.widget);
            for (SessionListener l : listeners) l.ready(session, a);
        } finally {
            session.release();
        }
    }

    private void refresh(StreamSession session, ClientFrame.Refresh r) {
        VerifiedToken current = session.token;
        HandshakeVerifier.Outcome outcome = handshake.check(r.token(), session.widget, current.orgId(), session.embedOrigin);
        if (outcome.token() == null) {
            // The new token itself is bad; the session keeps its current token until that one expires.
            metrics.refreshRefused(session.widget, outcome.problems().getFirst());
            reply(session, r.id(), outcome.problems().getFirst());
            return;
        }
        VerifiedToken next = outcome.token();
        if (!Objects.equals(next.agentId(), current.agentId()) || !Objects.equals(next.orgId(), current.orgId())
                || !next.clientId().equals(current.clientId())
                || !Objects.equals(next.isGuestToken() ? next.guest().customerId() : null,
                        current.isGuestToken() ? current.guest().customerId() : null)) {
            Problem mismatch = Problem.of(ErrorCode.REFRESH_MISMATCH, Map.of(
                    "got", "agent " + next.agentId() + " / org " + next.orgId() + " / client " + next.clientId(),
                    "expected", "agent " + current.agentId() + " / org " + current.orgId() + " / client " + current.clientId()));
            metrics.refreshRefused(session.widget, mismatch);
            fail(session, r.id(), mismatch);
            return;
        }
        if (!outcome.ok()) {
            metrics.refreshRefused(session.widget, outcome.problems().getFirst());
            fail(session, r.id(), outcome.problems().getFirst(), outcome.problems());
            return;
        }
        session.token = next;
        session.expiryWarned = false;
        lifecycle.recheck(session);
        session.send(new ServerFrame.Refreshed(r.id(), next.expiresAt(), next.scopes().stream().sorted().toList()));
        log.info("token refreshed in place: session {} agent {} new expiry {}", session.id, next.agentId(), next.expiresAt());
        metrics.refreshed(session.widget);
    }

    private static String connectionSlots(StreamSession session) {
        return "connections:" + session.principal.key();
    }

    /** An error frame that leaves the session open. */
    static void reply(StreamSession session, String id, Problem problem) {
        session.send(ServerFrame.Error.of(id, problem));
    }

    /** An error frame, then the close frame with the catalogue's close code and the error code as reason. */
    static void fail(StreamSession session, String id, Problem problem) {
        fail(session, id, problem, List.of(problem));
    }

    static void fail(StreamSession session, String id, Problem problem, List<Problem> all) {
        if (session.state == StreamSession.State.AWAITING_AUTH && session.handshakeRefusal == null) {
            session.handshakeRefusal = problem;
        }
        session.send(ServerFrame.Error.closing(id, problem, all));
        session.close(problem.error().closeCode(), problem.code());
    }

}
