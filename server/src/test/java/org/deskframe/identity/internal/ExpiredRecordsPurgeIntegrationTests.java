package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.deskframe.testing.DeskframeServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Purging expired identity records (run with a clock two days ahead) leaves live tokens working. */
class ExpiredRecordsPurgeIntegrationTests extends DeskframeServerTest {

    @Autowired
    ExpiredRecordsPurge purge;

    @Autowired
    JdbcClient jdbc;

    @Test
    void recordsOfExpiredTokensGoWhileLiveOnesStay() {
        http.agentToken("demo-backend", "agent1", "messaging:read");
        long before = jdbc.sql("select count(*) from access_token_ledger").query(Long.class).single();
        // Two days from now every token issued so far has been expired for more than the margin.
        int purged = purge.purge(Instant.now().plus(java.time.Duration.ofDays(2)));
        assertThat(purged).isPositive();
        assertThat(jdbc.sql("select count(*) from used_assertions").query(Long.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from access_token_ledger").query(Long.class).single()).isLessThan(before);
        // Today, nothing live is touched: a fresh token still verifies.
        purge.purge(Instant.now());
        assertThat(http.get("/api/v2/tokens/me", http.agentToken("demo-backend", "agent1", "messaging:read")).status()).isEqualTo(200);
    }
}
