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
 * (client_credentials); {@code orgId} is null only for deployment-admin clients. {@code clientScopes} are the scopes
 * its OAuth client was allowed when the token was checked, so that a missing scope's hint says what is true for that
 * client: request it, or have it allowed first. {@code guest} is set only for a messenger's guest token (scope
 * {@code guest}): then there is no agent, and {@code clientId} names the deployment ({@code messenger:<id>}).
 */
public record VerifiedToken(String jti, String subject, String agentId, String orgId, String clientId, String region,
                            String issuer, Set<String> scopes, Instant issuedAt, Instant expiresAt,
                            Set<String> clientScopes, Guest guest) {
    public VerifiedToken {
        scopes = ScopeSets.shared(scopes);
        clientScopes = ScopeSets.shared(clientScopes);
    }

    /** An agent's or a client's token. */
    public VerifiedToken(String jti, String subject, String agentId, String orgId, String clientId, String region,
                         String issuer, Set<String> scopes, Instant issuedAt, Instant expiresAt, Set<String> clientScopes) {
        this(jti, subject, agentId, orgId, clientId, region, issuer, scopes, issuedAt, expiresAt, clientScopes, null);
    }

    /**
     * What a guest token is bound to: the customer (the gateway principal {@code customer:<customerId>}), the messenger
     * deployment and the conversation it was issued for; {@code verified} when the integrator signed the customer.
     */
    public record Guest(String customerId, String deploymentId, String conversationId, boolean verified) {}

    public boolean isGuestToken() {
        return guest != null;
    }

    public boolean isAgentToken() {
        return agentId != null;
    }

    /** The {@code token.scope_missing} problem if this token lacks any of {@code required} for {@code target}, else null. */
    public Problem missingScopes(List<String> required, String target) {
        List<String> missing = required.stream().filter(s -> !scopes.contains(s)).toList();
        if (missing.isEmpty()) return null;
        List<String> notAllowed = missing.stream().filter(s -> !clientScopes.contains(s)).toList();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("missing", missing);
        details.put("target", target);
        details.put("client", clientId);
        details.put("required", required);
        details.put("granted", scopes.stream().sorted().toList());
        details.put("clientAllows", missing.stream().filter(clientScopes::contains).toList());
        if (!notAllowed.isEmpty()) details.put("notAllowed", notAllowed);
        return Problem.of(notAllowed.isEmpty() ? ErrorCode.TOKEN_SCOPE_NOT_REQUESTED : ErrorCode.TOKEN_SCOPE_MISSING, details);
    }

    /** Throws {@code token.scope_missing} unless this token has every scope in {@code required}. */
    public void requireScopes(List<String> required, String target) {
        Problem problem = missingScopes(required, target);
        if (problem != null) throw problem.toException();
    }
}
