package org.deskframe.tokens;

import java.time.Instant;
import java.util.Set;

/**
 * An access token that passed every token-level check. {@code agentId} is null for a client's own token
 * (client_credentials); {@code orgId} is null only for deployment-admin clients.
 */
public record VerifiedToken(String jti, String subject, String agentId, String orgId, String clientId, String region,
                            String issuer, Set<String> scopes, Instant issuedAt, Instant expiresAt) {
    public VerifiedToken {
        scopes = Set.copyOf(scopes);
    }

    public boolean isAgentToken() {
        return agentId != null;
    }
}
