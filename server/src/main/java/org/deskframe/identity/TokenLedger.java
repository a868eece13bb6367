package org.deskframe.identity;

/**
 * Every access token issued, by {@code jti}. Self-contained JWTs cannot be recalled, so each check Deskframe makes
 * also asks the ledger; revoking a token, its refresh-token family or its authorization is recorded here at once.
 */
public interface TokenLedger {
    /** True when the token was revoked, or when its jti was never issued by this deployment. */
    boolean isRevoked(String jti);

    /** Ids of tokens revoked at or after {@code since}: the feed live sessions watch. */
    java.util.List<String> revokedSince(java.time.Instant since);
}
