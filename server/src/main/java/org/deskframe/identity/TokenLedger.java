package org.deskframe.identity;

/**
 * Every access token issued, by {@code jti}. Self-contained JWTs cannot be recalled, so each check Deskframe makes
 * also asks the ledger; revoking a token, its refresh-token family or its authorization is recorded here at once, and reported
 * to open sessions through {@link AccessChanges}.
 */
public interface TokenLedger {
    /** True when the token was revoked, or when its jti was never issued by this deployment. */
    boolean isRevoked(String jti);
}
