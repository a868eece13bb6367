package org.deskframe.identity;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Identity and authorization-server settings.
 *
 * @param secretKey           key that encrypts signing keys and HS256 client secrets at rest; when blank, a random
 *                            key is created once in {@code dataDir/secret.key}
 * @param dataDir             where the embedded default keeps its files
 * @param clockSkew           clock difference tolerated when checking exp/nbf/iat of tokens and assertions
 * @param refreshReuseLeeway  a rotated refresh token presented again within this time is refused without revoking
 *                            its family (a client's concurrent retry); after it, reuse revokes the whole family
 * @param maxAssertionLifetime longest exp - iat accepted for a JWT bearer assertion
 * @param failuresPerHour     failed logins / client authentications accepted per identity and hour
 * @param bootstrapAdminClientId     deployment admin client created at start when set (no org)
 * @param bootstrapAdminClientSecret its secret (at least 32 characters); never hard-coded
 * @param issuanceConcurrency how many client_credentials / jwt-bearer token requests compute at once (the rest queue,
 *                            first come first served; the wait for the durable commit is outside it); default: the
 *                            number of cores
 */
@ConfigurationProperties("deskframe.identity")
public record IdentitySettings(String secretKey, String dataDir, Duration clockSkew, Duration refreshReuseLeeway,
                               Duration maxAssertionLifetime, int failuresPerHour,
                               String bootstrapAdminClientId, String bootstrapAdminClientSecret,
                               int issuanceConcurrency) {
    public IdentitySettings {
        if (dataDir == null || dataDir.isBlank()) dataDir = "./data";
        if (clockSkew == null) clockSkew = Duration.ofSeconds(30);
        if (refreshReuseLeeway == null) refreshReuseLeeway = Duration.ofSeconds(10);
        if (maxAssertionLifetime == null) maxAssertionLifetime = Duration.ofMinutes(5);
        if (failuresPerHour <= 0) failuresPerHour = 100;
        if (issuanceConcurrency <= 0) issuanceConcurrency = Runtime.getRuntime().availableProcessors();
    }
}
