package org.deskframe.gateway;

import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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

    SessionSweeper(SessionRegistry registry, GatewaySettings settings, ConnectionAdmission admission) {
        this.admission = admission;
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
     * First thing at shutdown (highest phase, before the web server's graceful wait): every session is told
     * {@code server.restarting} (4001) so its client reconnects elsewhere and resumes, instead of the graceful
     * shutdown waiting on open sockets.
     */
    @Override
    public void stop() {
        running = false;
        for (StreamSession s : registry.all()) {
            StreamHandler.fail(s, null, Problem.of(ErrorCode.SERVER_RESTARTING));
        }
    }

    @Override
    public int getPhase() {
        return Integer.MAX_VALUE;
    }
}
