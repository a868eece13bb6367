package org.deskframe.calls;

import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of calls ({@code deskframe.calls.*}).
 *
 * @param stunUrls      STUN servers handed to clients ({@code stun:host:port}); none by default
 * @param turnUrls      TURN servers handed to clients with credentials ({@code turn:host:3478?transport=udp},
 *                      {@code turns:host:5349?transport=tcp}); none by default: then calls connect only where a
 *                      direct path exists
 * @param turnSecret    the shared secret of the TURN servers ({@code static-auth-secret} in coturn's
 *                      {@code turnserver.conf}, with {@code use-auth-secret}); required with {@code turn-urls}
 * @param credentialTtl how long a TURN credential is valid (coturn refuses it after that); a call that outlives it
 *                      keeps its allocation, a new allocation needs new credentials
 * @param ringTimeout     how long a call rings before it ends {@code no_answer} (45 s)
 * @param reattachTimeout how long a side of a call may have no session carrying it (a dropped socket, a reload) before
 *                        the call ends {@code peer_gone} (30 s)
 * @param sweepInterval   how often the calls' timers look for calls past one of these deadlines (1 s)
 */
@ConfigurationProperties("deskframe.calls")
public record CallSettings(List<String> stunUrls, List<String> turnUrls, String turnSecret, Duration credentialTtl,
                           Duration ringTimeout, Duration reattachTimeout, Duration sweepInterval) {
    public CallSettings {
        stunUrls = stunUrls == null ? List.of() : List.copyOf(stunUrls);
        turnUrls = turnUrls == null ? List.of() : List.copyOf(turnUrls);
        if (credentialTtl == null) credentialTtl = Duration.ofHours(1);
        if (ringTimeout == null) ringTimeout = Duration.ofSeconds(45);
        if (reattachTimeout == null) reattachTimeout = Duration.ofSeconds(30);
        if (sweepInterval == null) sweepInterval = Duration.ofSeconds(1);
        for (Duration d : List.of(ringTimeout, reattachTimeout, sweepInterval)) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("deskframe.calls.ring-timeout, reattach-timeout and sweep-interval must be positive, not " + d);
            }
        }
        for (String u : stunUrls) {
            if (!u.startsWith("stun:") && !u.startsWith("stuns:")) {
                throw new IllegalArgumentException("deskframe.calls.stun-urls must be stun: or stuns: URLs, not '" + u + "'");
            }
        }
        for (String u : turnUrls) {
            if (!u.startsWith("turn:") && !u.startsWith("turns:")) {
                throw new IllegalArgumentException("deskframe.calls.turn-urls must be turn: or turns: URLs, not '" + u + "'");
            }
        }
        if (!turnUrls.isEmpty() && (turnSecret == null || turnSecret.length() < 16)) {
            throw new IllegalArgumentException("deskframe.calls.turn-urls needs deskframe.calls.turn-secret: the static-auth-secret"
                    + " of the TURN servers (coturn: use-auth-secret), at least 16 characters");
        }
        if (credentialTtl.isNegative() || credentialTtl.isZero()) {
            throw new IllegalArgumentException("deskframe.calls.credential-ttl must be positive, not " + credentialTtl);
        }
    }
}
