package org.deskframe.tokens;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
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

    /** The {@code token.scope_missing} problem if this token lacks any of {@code required} for {@code target}, else null. */
    public Problem missingScopes(List<String> required, String target) {
        List<String> missing = required.stream().filter(s -> !scopes.contains(s)).toList();
        if (missing.isEmpty()) return null;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("missing", missing);
        details.put("target", target);
        details.put("client", clientId);
        details.put("required", required);
        details.put("granted", scopes.stream().sorted().toList());
        return Problem.of(ErrorCode.TOKEN_SCOPE_MISSING, details);
    }

    /** Throws {@code token.scope_missing} unless this token has every scope in {@code required}. */
    public void requireScopes(List<String> required, String target) {
        Problem problem = missingScopes(required, target);
        if (problem != null) throw problem.toException();
    }
}
