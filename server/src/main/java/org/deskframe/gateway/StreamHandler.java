package org.deskframe.gateway;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.LogText;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.messaging.Participant;
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
 * The gateway's frame loop. A connection must authenticate in its first frame; until then nothing else is
 * accepted. Every failure is answered with an {@code error} frame from the catalogue (echoing the command's id),
 * and failures that end the session are followed by a close frame with the catalogue's close code and the error
 * code as reason.
 */
@Component
class StreamHandler {

    private static final Logger log = LoggerFactory.getLogger(StreamHandler.class);
    static final int HISTORY_PAGE = 500;

    private final GatewaySettings settings;
    private final HandshakeVerifier handshake;
    private final SessionRegistry registry;
    private final LiveDelivery delivery;
    private final Conversations conversations;
    private final ConversationLog conversationLog;
    private final AgentDirectory agents;
    private final SessionSweeper lifecycle;
    private final ConnectionAdmission admission;
    private final java.util.concurrent.ConcurrentHashMap<String, TokenBucket> agentSends = new java.util.concurrent.ConcurrentHashMap<>();

    StreamHandler(GatewaySettings settings, HandshakeVerifier handshake, SessionRegistry registry, LiveDelivery delivery,
                  Conversations conversations, ConversationLog conversationLog, AgentDirectory agents,
                  SessionSweeper lifecycle, ConnectionAdmission admission) {
        this.lifecycle = lifecycle;
        this.admission = admission;
        this.settings = settings;
        this.handshake = handshake;
        this.registry = registry;
        this.delivery = delivery;
        this.conversations = conversations;
        this.conversationLog = conversationLog;
        this.agents = agents;
    }

    /** A connection finished its WebSocket upgrade; {@code originProblem} is set when its page's origin is refused. */
    StreamSession open(io.netty.channel.Channel channel, Problem originProblem) {
        StreamSession session = new StreamSession(channel, new TokenBucket(settings.framesPerSecond(), settings.framesPerSecond() * 2));
        registry.opened(session);
        if (originProblem != null) {
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
            log.error("session {}: {} failed", session.id, frame.getClass().getSimpleName(), e);
            reply(session, frame.id(), Problem.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "the server could not process this frame")));
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
            case ClientFrame.Send s -> send(session, s);
            case ClientFrame.Resume r -> resume(session, r.id(), r.positions(), false);
            case ClientFrame.Typing t -> typing(session, t);
            case ClientFrame.Receipt r -> receipt(session, r);
            case ClientFrame.StartConversation s -> startConversation(session, s);
            case ClientFrame.ListConversations l -> listConversations(session, l);
        }
    }

    private void authenticate(StreamSession session, ClientFrame.Authenticate a) {
        if (session.state != StreamSession.State.AWAITING_AUTH) {
            reply(session, a.id(), Problem.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason",
                    "this session is already authenticated; use {\"op\":\"refresh\"} to change its token")));
            return;
        }
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
        // Cursors first: a message posted while this handshake completes is then delivered after the backlog, in order.
        a.resume().forEach(session.cursors::put);
        if (!registry.bind(session, token.agentId(), settings.maxConnectionsPerAgent())) {
            session.token = null;
            fail(session, a.id(), Problem.of(ErrorCode.RATE_LIMITED, Map.of("limit", "at most " + settings.maxConnectionsPerAgent()
                    + " open connections per agent", "retryAfterSeconds", 30)));
            return;
        }
        var agent = agents.find(token.agentId()).orElseThrow();
        String ready = FrameCodec.encode(new ServerFrame.Ready(a.id(), session.id, session.widget.id(),
                new AgentView(agent.id(), agent.username(), agent.displayName(), agent.orgId()),
                token.scopes().stream().sorted().toList(), token.expiresAt(), settings.heartbeat().toSeconds(),
                settings.maxFrameBytes()));
        // Pushes take the same lock and check READY inside it: none can overtake `ready`, and none is lost once the
        // client has seen `ready` (one that came earlier happened before the session existed, as far as it knows).
        synchronized (session) {
            session.state = StreamSession.State.READY;
            session.send(ready);
        }
        admission.authenticated(session.channel);
        log.info("handshake ok: session {} agent {} org {} client {} widget {}", session.id, token.agentId(), token.orgId(),
                token.clientId(), session.widget.id());
        if (!a.resume().isEmpty()) {
            resume(session, a.id(), a.resume(), true);
        }
    }

    private void refresh(StreamSession session, ClientFrame.Refresh r) {
        VerifiedToken current = session.token;
        HandshakeVerifier.Outcome outcome = handshake.check(r.token(), session.widget.id(), current.orgId(), session.embedOrigin);
        if (outcome.token() == null) {
            // The new token itself is bad; the session keeps its current token until that one expires.
            reply(session, r.id(), outcome.problems().getFirst());
            return;
        }
        VerifiedToken next = outcome.token();
        if (!java.util.Objects.equals(next.agentId(), current.agentId()) || !java.util.Objects.equals(next.orgId(), current.orgId())
                || !next.clientId().equals(current.clientId())) {
            fail(session, r.id(), Problem.of(ErrorCode.REFRESH_MISMATCH, Map.of(
                    "got", "agent " + next.agentId() + " / org " + next.orgId() + " / client " + next.clientId(),
                    "expected", "agent " + current.agentId() + " / org " + current.orgId() + " / client " + current.clientId())));
            return;
        }
        if (!outcome.ok()) {
            fail(session, r.id(), outcome.problems().getFirst(), outcome.problems());
            return;
        }
        session.token = next;
        session.expiryWarned = false;
        session.send(new ServerFrame.Refreshed(r.id(), next.expiresAt(), next.scopes().stream().sorted().toList()));
        log.info("token refreshed in place: session {} agent {} new expiry {}", session.id, next.agentId(), next.expiresAt());
    }

    private void send(StreamSession session, ClientFrame.Send s) {
        requireScope(session, Scope.MESSAGING_WRITE, "sending messages");
        Conversation conversation = conversationOf(session, s.conversation());
        TokenBucket bucket = agentSends.computeIfAbsent(session.agentId(),
                k -> new TokenBucket(settings.sendsPerSecondPerAgent(), settings.sendsPerSecondPerAgent() * 2));
        if (!bucket.tryTake()) {
            throw ProblemException.of(ErrorCode.RATE_LIMITED, Map.of("limit", settings.sendsPerSecondPerAgent()
                    + " messages per second per agent; this message was not stored, send it again", "retryAfterSeconds", bucket.secondsUntilNext()));
        }
        Participant me = Participant.agent(session.agentId());
        // Sends never block (they queue in the transport), so acks leave right from the commit, in commit order.
        conversationLog.append(conversation, me, s.clientMessageId(), s.text()).whenComplete((appended, error) -> {
            if (error != null) {
                log.warn("session {}: send to {} failed: {}", session.id, conversation.id(), error.toString());
                reply(session, s.id(), Problem.of(ErrorCode.SERVER_RESTARTING));
                return;
            }
            session.send(new ServerFrame.Ack(s.id(), conversation.id(), appended.message().seq(), s.clientMessageId(),
                    appended.duplicate()));
        });
    }

    /**
     * Replays each conversation after the client's position, then sends {@code caught_up}. During the handshake the
     * replay starts at the session's cursor if live delivery already moved it (so nothing is sent twice).
     */
    private void resume(StreamSession session, String id, Map<String, Long> positions, boolean handshake) {
        requireScope(session, Scope.MESSAGING_READ, "reading conversations");
        List<ServerFrame.CaughtUp> results = new ArrayList<>();
        for (var e : positions.entrySet()) {
            Optional<Conversation> conversation = conversations.findFor(session.token.orgId(), Participant.agent(session.agentId()), e.getKey());
            if (conversation.isEmpty()) {
                results.add(ServerFrame.CaughtUp.unknown(id, e.getKey()));
                continue;
            }
            long last = conversation.get().lastSeq();
            if (e.getValue() > last && !sealedLost(session, conversation.get(), e.getValue())) {
                // The client claims more than a lost write could explain: flag it, do not silently skip.
                results.add(ServerFrame.CaughtUp.positionAhead(id, e.getKey(), last, e.getValue()));
                delivery.resetCursor(session, e.getKey(), last);
                continue;
            }
            long reached = delivery.replay(session, conversation.get(), e.getValue(), handshake);
            results.add(ServerFrame.CaughtUp.ok(id, e.getKey(), reached));
        }
        results.forEach(session::send);
    }

    /**
     * A member has seen sequence numbers the database does not hold: the storage lost acknowledged messages. Their
     * numbers are sealed as lost (placeholders reach every member) so they are never given to new messages; false
     * when the claim is wider than any lost write could be ({@link ConversationLog#MAX_SEALED_HOLE}).
     */
    private boolean sealedLost(StreamSession session, Conversation conversation, long seen) {
        return !conversationLog.sealLost(conversation, seen, Participant.agent(session.agentId())).join().isEmpty();
    }

    private void typing(StreamSession session, ClientFrame.Typing t) {
        requireScope(session, Scope.MESSAGING_WRITE, "typing indicators");
        Conversation conversation = conversationOf(session, t.conversation());
        delivery.typing(conversation, Participant.agent(session.agentId()), session);
    }

    private void receipt(StreamSession session, ClientFrame.Receipt r) {
        requireScope(session, Scope.MESSAGING_READ, "receipts");
        Conversation conversation = conversationOf(session, r.conversation());
        if (r.seq() > conversation.lastSeq() && !sealedLost(session, conversation, r.seq())) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "seq " + r.seq()
                    + " is beyond the conversation's last message (" + conversation.lastSeq() + ")"));
        }
        conversations.recordReceipt(conversation, Participant.agent(session.agentId()), r.kind(), r.seq());
        session.send(new ServerFrame.ReceiptOk(r.id(), conversation.id(), r.kind(), r.seq()));
    }

    private void startConversation(StreamSession session, ClientFrame.StartConversation s) {
        requireScope(session, Scope.MESSAGING_WRITE, "starting conversations");
        String org = session.token.orgId();
        List<Participant> others = new ArrayList<>();
        for (String agentId : s.agents()) {
            var agent = agents.find(agentId).filter(a -> a.orgId().equals(org))
                    .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + agentId)));
            others.add(Participant.agent(agent.id()));
        }
        Conversation c = conversations.start(org, Participant.agent(session.agentId()), others, s.subject());
        session.send(new ServerFrame.ConversationFrame(s.id(), ConversationViews.of(c)));
        delivery.conversationStarted(c, session);
    }

    private void listConversations(StreamSession session, ClientFrame.ListConversations l) {
        requireScope(session, Scope.MESSAGING_READ, "reading conversations");
        Participant me = Participant.agent(session.agentId());
        var positions = conversations.readPositions(session.token.orgId(), me);
        var list = conversations.listFor(session.token.orgId(), me).stream()
                .map(c -> ConversationViews.summary(c, positions.get(c.id()))).toList();
        session.send(new ServerFrame.Conversations(l.id(), list));
    }

    private Conversation conversationOf(StreamSession session, String id) {
        return conversations.findFor(session.token.orgId(), Participant.agent(session.agentId()), id)
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + id)));
    }

    private static void requireScope(StreamSession session, Scope scope, String what) {
        session.token.requireScopes(List.of(scope.value()), what);
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
        session.send(ServerFrame.Error.closing(id, problem, all));
        session.close(problem.error().closeCode(), problem.code());
    }

    static Instant now() {
        return Instant.now();
    }
}
