package org.deskframe.gateway;

import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.TokenLedger;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.tokens.VerifiedToken;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * One pass over every open session, a few times a second, instead of a timer per connection: handshake timeouts,
 * heartbeats and dead peers, token expiry warnings and expiry, and the revocation feed (revoked tokens and disabled
 * agents close their sessions within one poll interval).
 */
@Component
class SessionSweeper implements org.springframework.context.SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SessionSweeper.class);
    private static final Duration FEED_OVERLAP = Duration.ofSeconds(2);
    private static final String PING = FrameCodec.encode(new ServerFrame.Ping());

    private final SessionRegistry registry;
    private final GatewaySettings settings;
    private final TokenLedger ledger;
    private final HandshakeVerifier handshake;
    private Instant lastFeedCheck = Instant.now();

    private final ConnectionAdmission admission;

    SessionSweeper(SessionRegistry registry, GatewaySettings settings, TokenLedger ledger, HandshakeVerifier handshake,
                   ConnectionAdmission admission) {
        this.admission = admission;
        this.registry = registry;
        this.settings = settings;
        this.ledger = ledger;
        this.handshake = handshake;
    }

    @Scheduled(fixedDelayString = "${deskframe.gateway.revocation-poll:500ms}")
    void sweep() {
        long now = System.currentTimeMillis();
        Set<String> revoked = revokedTokens();
        long heartbeatMs = settings.heartbeat().toMillis();
        for (StreamSession s : registry.all()) {
            try {
                sweep(s, now, heartbeatMs, revoked);
            } catch (RuntimeException e) {
                log.warn("sweeping session {} failed", s.id, e);
            }
        }
        admission.reportRefusals();
    }

    private void sweep(StreamSession s, long now, long heartbeatMs, Set<String> revoked) {
        switch (s.state) {
            case CLOSED -> { }
            case AWAITING_AUTH -> {
                if (now - s.openedAt > settings.handshakeTimeout().toMillis()) {
                    StreamHandler.fail(s, null, Problem.of(ErrorCode.HANDSHAKE_TIMEOUT, Map.of("seconds", settings.handshakeTimeout().toSeconds())));
                }
            }
            case READY -> {
                VerifiedToken token = s.token;
                if (revoked.contains(token.jti())) {
                    Problem cause = handshake.revocationCause(token);
                    log.info("closing session {} of agent {}: {}", s.id, token.agentId(), cause.code());
                    StreamHandler.fail(s, null, cause);
                    return;
                }
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

    private Set<String> revokedTokens() {
        Instant since = lastFeedCheck.minus(FEED_OVERLAP);
        lastFeedCheck = Instant.now();
        if (registry.size() == 0) return Set.of();
        return new HashSet<>(ledger.revokedSince(since));
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
