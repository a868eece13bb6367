package org.deskframe.gateway;

import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.protocol.FrameCodec;
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
 * One pass over every open session, twice a second, instead of a timer per connection: handshake timeouts, heartbeats
 * and dead peers, token expiry warnings and expiry. (Revocation is {@link SessionControl}'s.)
 */
@Component
class SessionSweeper implements org.springframework.context.SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);
    private static final String PING = FrameCodec.encode(new ServerFrame.Ping());

    private final SessionRegistry registry;
    private final GatewaySettings settings;
    private final ConnectionAdmission admission;
    private final ApplicationEventPublisher events;

    SessionSweeper(SessionRegistry registry, GatewaySettings settings, ConnectionAdmission admission,
                   ApplicationEventPublisher events) {
        this.admission = admission;
        this.events = events;
        this.registry = registry;
        this.settings = settings;
    }

    @Scheduled(fixedDelay = 500)
    void sweep() {
        long now = System.currentTimeMillis();
        long heartbeatMs = settings.heartbeat().toMillis();
        for (StreamSession s : registry.all()) {
            try {
                sweep(s, now, heartbeatMs);
            } catch (RuntimeException e) {
                log.warn("sweeping session {} failed", s.id, e);
            }
        }
        admission.reportRefusals();
    }

    private void sweep(StreamSession s, long now, long heartbeatMs) {
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
                    return;
                }
                long expiresAt = token.expiresAt().toEpochMilli();
                if (now > expiresAt + settings.expiryGrace().toMillis()) {
                    StreamHandler.fail(s, null, Problem.of(ErrorCode.TOKEN_EXPIRED, Map.of("expiredAt", token.expiresAt().toString())));
                    return;
                }
                if (!s.expiryWarned && expiresAt - now <= settings.expiryWarning().toMillis()) {
                    s.expiryWarned = true;
                    s.send(new ServerFrame.TokenExpiring(Math.max(0, (expiresAt - now) / 1000), token.expiresAt()));
                }
                if (now - s.lastPing >= heartbeatMs) {
                    s.lastPing = now;
                    s.send(PING);
                }
            }
        }
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
