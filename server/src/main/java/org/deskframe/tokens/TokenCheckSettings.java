package org.deskframe.tokens;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Settings of the token checks' caches (docs/scaling.md, "Token checks on many nodes").
 *
 * @param verifiedTokens   how many distinct tokens keep the outcome of their signature and fixed claims checks (a
 *                         token seen again skips parsing and RSA; every check still runs expiry, revocation, client and
 *                         agent); 0 turns the cache off
 * @param recordStaleness  longest time this node trusts what it read of the ledger, an OAuth client or an agent when no
 *                         change reached it: identity's changes on this node clear entries at once and other nodes'
 *                         within milliseconds through the cluster; this bounds a lost message (at most 1 s)
 */
@ConfigurationProperties("deskframe.tokens")
public record TokenCheckSettings(Integer verifiedTokens, Duration recordStaleness) {

    public static final TokenCheckSettings DEFAULTS = new TokenCheckSettings(null, null);

    public TokenCheckSettings {
        if (verifiedTokens == null) verifiedTokens = 10_000;
        if (verifiedTokens < 0) throw new IllegalArgumentException("deskframe.tokens.verified-tokens must be 0 or more");
        if (recordStaleness == null) recordStaleness = Duration.ofMillis(500);
        if (recordStaleness.isNegative() || recordStaleness.compareTo(Duration.ofSeconds(1)) > 0) {
            throw new IllegalArgumentException("deskframe.tokens.record-staleness must be between 0 and 1s (revocation is honoured within it)");
        }
    }
}
