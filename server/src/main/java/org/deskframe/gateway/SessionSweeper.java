package org.deskframe.gateway;

import io.netty.channel.EventLoop;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * The sessions' deadlines, each session looked at only when one of its own falls due (a timing wheel of 500 ms ticks,
 * not a pass over every session): handshake timeouts, heartbeats and dead peers, token expiry warnings and expiry. The
 * pings of a pass go to each event loop in one task, so an idle node wakes its I/O threads a few times a second, not
 * once per ping. (Revocation is {@link SessionControl}'s.)
 */
@Component
class SessionSweeper implements org.springframework.context.SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);
    static final long TICK_MS = 500;
    /** 64 s a turn: the default heartbeat (25 s) and silence limit (50 s) fall within one turn. */
    private static final int SLOTS = 128;

    private final SessionRegistry registry;
    private final GatewaySettings settings;
    private final ConnectionAdmission admission;
    private final ApplicationEventPublisher events;
    private final DeadlineWheel<StreamSession> deadlines = new DeadlineWheel<>(TICK_MS, SLOTS, System.currentTimeMillis());

    SessionSweeper(SessionRegistry registry, GatewaySettings settings, ConnectionAdmission admission,
                   ApplicationEventPublisher events) {
        this.admission = admission;
        this.events = events;
        this.registry = registry;
        this.settings = settings;
    }

    /** A connection upgraded: its handshake deadline starts. */
    void opened(StreamSession s) {
        reschedule(s);
    }

    /** A session became ready or changed its token: its deadlines from now on (an expiry warning may be due at once). */
    void recheck(StreamSession s) {
        reschedule(s);
    }

    void closed(StreamSession s) {
        deadlines.cancel(s);
    }

    @Scheduled(fixedDelay = TICK_MS)
    void sweep() {
        long now = System.currentTimeMillis();
        long heartbeatMs = settings.heartbeat().toMillis();
        Map<EventLoop, List<StreamSession>> pings = new HashMap<>();
        for (StreamSession s : deadlines.drainDue(now)) {
            try {
                if (check(s, now, heartbeatMs)) pings.computeIfAbsent(s.channel.eventLoop(), l -> new ArrayList<>()).add(s);
            } catch (RuntimeException e) {
                log.warn("sweeping session {} failed", s.id, e);
            } finally {
                reschedule(s);
            }
        }
        // Each loop writes its own sessions' pings in one task; writes from this thread would wake it once per ping.
        pings.forEach((loop, sessions) -> {
            try {
                loop.execute(() -> {
                    for (StreamSession s : sessions) s.sendPing();
                });
            } catch (RejectedExecutionException stopping) {
                // The gateway is stopping: its sessions are being closed, none needs a ping.
            }
        });
        admission.reportRefusals();
    }

    /** Ends or warns the session if a deadline has passed; true if a ping is due (it is counted as sent). */
    private boolean check(StreamSession s, long now, long heartbeatMs) {
        switch (s.state) {
            case CLOSED -> { }
            case AWAITING_AUTH -> {
                if (now - s.openedAt > settings.handshakeTimeout().toMillis()) {
                    StreamHandler.fail(s, null, Problem.of(ErrorCode.HANDSHAKE_TIMEOUT, Map.of("seconds", settings.handshakeTimeout().toSeconds())));
                }
            }
            case READY -> {
                VerifiedToken token = s.token;
                if (now - s.lastInbound > 2 * heartbeatMs) {
                    StreamHandler.fail(s, null, Problem.of(ErrorCode.HEARTBEAT_TIMEOUT, Map.of("seconds", 2 * heartbeatMs / 1000)));
                    return false;
                }
                long expiresAt = token.expiresAt().toEpochMilli();
                if (now > expiresAt + settings.expiryGrace().toMillis()) {
                    StreamHandler.fail(s, null, Problem.of(ErrorCode.TOKEN_EXPIRED, Map.of("expiredAt", token.expiresAt().toString())));
                    return false;
                }
                if (!s.expiryWarned && expiresAt - now <= settings.expiryWarning().toMillis()) {
                    s.expiryWarned = true;
                    s.send(new ServerFrame.TokenExpiring(Math.max(0, (expiresAt - now) / 1000), token.expiresAt()));
                }
                if (now - s.lastPing >= heartbeatMs) {
                    s.lastPing = now;
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Places the session at its earliest deadline; a closed one leaves the wheel. Frames that arrive move the silence
     * deadline later without moving the session: it is looked at early, finds nothing due, and is placed again.
     */
    private void reschedule(StreamSession s) {
        long next = nextCheck(s);
        if (next == Long.MAX_VALUE) {
            deadlines.cancel(s);
            return;
        }
        deadlines.schedule(s, next);
        // A close that ran while this pass held the session found it outside the wheel (onClosed sets CLOSED first).
        if (s.state == StreamSession.State.CLOSED) deadlines.cancel(s);
    }

    /** The first time at which {@link #check} would act on the session; Long.MAX_VALUE for a closed one. */
    long nextCheck(StreamSession s) {
        return switch (s.state) {
            case CLOSED -> Long.MAX_VALUE;
            case AWAITING_AUTH -> s.openedAt + settings.handshakeTimeout().toMillis() + 1;
            case READY -> {
                long heartbeatMs = settings.heartbeat().toMillis();
                long expiresAt = s.token.expiresAt().toEpochMilli();
                long next = Math.min(s.lastPing + heartbeatMs, s.lastInbound + 2 * heartbeatMs + 1);
                next = Math.min(next, expiresAt + settings.expiryGrace().toMillis() + 1);
                if (!s.expiryWarned) next = Math.min(next, expiresAt - settings.expiryWarning().toMillis());
                yield next;
            }
        };
    }

    private volatile boolean running;

    /** Accepting sessions; false once shutdown began. */
    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public void start() {
        running = true;
    }

    /**
     * First thing at shutdown (highest phase, before the web server's graceful wait), the drain: the node reports not
     * ready (load balancers take it out), refuses new sessions with {@code server.restarting}, and tells its sessions
     * {@code server.restarting} (4001) in even batches over {@code drain-spread}, so that their clients reconnect to
     * the other nodes and resume a few at a time instead of in one stampede. The sessions not yet told are served as
     * before (their messages are committed and acknowledged); the message log finishes its in-flight commits when it
     * stops, after this.
     */
    @Override
    public void stop() {
        running = false;
        AvailabilityChangeEvent.publish(events, this, ReadinessState.REFUSING_TRAFFIC);
        // oldest first: a deterministic order (and the newest sessions, often just reconnected, move last)
        List<StreamSession> open = registry.all().stream()
                .sorted(java.util.Comparator.comparingLong((StreamSession s) -> s.openedAt)).toList();
        long spreadMs = settings.drainSpread().toMillis();
        int batches = open.isEmpty() || spreadMs == 0 ? 1 : (int) Math.min(open.size(), Math.max(1, spreadMs / 50));
        long started = System.nanoTime();
        log.info("draining {} sessions over {} ms in {} batches", open.size(), open.isEmpty() ? 0 : spreadMs, batches);
        for (int b = 0; b < batches; b++) {
            if (b > 0) {
                long dueNanos = started + spreadMs * 1_000_000L * b / batches;
                long waitMs = (dueNanos - System.nanoTime()) / 1_000_000L;
                if (waitMs > 0) {
                    try {
                        Thread.sleep(waitMs);
                    } catch (InterruptedException e) {
                        // told to hurry: the rest at once
                        Thread.currentThread().interrupt();
                        spreadMs = 0;
                    }
                }
            }
            int from = open.size() * b / batches, to = open.size() * (b + 1) / batches;
            for (StreamSession s : open.subList(from, to)) {
                StreamHandler.fail(s, null, Problem.of(ErrorCode.SERVER_RESTARTING));
            }
        }
        // sessions that finished their handshake while the batches went out
        for (StreamSession s : registry.all()) {
            StreamHandler.fail(s, null, Problem.of(ErrorCode.SERVER_RESTARTING));
        }
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
