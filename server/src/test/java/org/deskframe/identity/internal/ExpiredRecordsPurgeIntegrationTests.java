package org.deskframe.identity.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.deskframe.testing.DeskframeServerTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The purge at today's time, on records this test backdates: what can no longer matter goes, and nothing live does.
 * Only rows this test wrote are backdated, so the shared server's other records (and other tests) are untouched.
 */
class ExpiredRecordsPurgeIntegrationTests extends DeskframeServerTest {

    @Autowired
    ExpiredRecordsPurge purge;

    @Autowired
    JdbcClient jdbc;

    @Test
    void ledgerRowsOfTokensExpiredForMoreThanADayGoWhileALiveTokenStaysUsable() {
        String live = http.agentToken("demo-backend", "agent1", "messaging:read");
        String old = http.agentToken("demo-backend", "agent2", "messaging:read");
        String oldJti = jti(old);
        jdbc.sql("update access_token_ledger set expires_at = ? where jti = ?")
                .params(Timestamp.from(Instant.now().minus(Duration.ofDays(2))), oldJti).update();

        assertThat(purge.purge(Instant.now())).isPositive();

        assertThat(count("access_token_ledger", "jti", oldJti)).isZero();
        assertThat(count("access_token_ledger", "jti", jti(live))).isOne();
        assertThat(http.get("/api/v2/tokens/me", live).status()).isEqualTo(200);
    }

    @Test
    void aRotatedRefreshTokenIsRememberedUntilItWouldHaveExpiredNotForAFixedMonth() {
        Instant now = Instant.now();
        // Rotated 40 days ago from a family whose refresh tokens live 90 days: a copy could still be presented.
        history("rotated-40-days-ago", now.minus(Duration.ofDays(40)), now.plus(Duration.ofDays(50)));
        // Rotated 40 days ago, and it would have expired two days ago: nothing can present it any more.
        history("expired-two-days-ago", now.minus(Duration.ofDays(40)), now.minus(Duration.ofDays(2)));

        purge.purge(now);

        assertThat(count("refresh_token_history", "token_hash", "rotated-40-days-ago")).isOne();
        assertThat(count("refresh_token_history", "token_hash", "expired-two-days-ago")).isZero();
    }

    @Test
    void accessChangeEntriesOlderThanADayGoAndRecentOnesStay() {
        jdbc.sql("insert into access_changes (kind, subject, changed_at) values ('TOKEN', 'purge-old', ?)")
                .param(Timestamp.from(Instant.now().minus(Duration.ofDays(2)))).update();
        jdbc.sql("insert into access_changes (kind, subject, changed_at) values ('TOKEN', 'purge-recent', ?)")
                .param(Timestamp.from(Instant.now())).update();

        purge.purge(Instant.now());

        assertThat(count("access_changes", "subject", "purge-old")).isZero();
        assertThat(count("access_changes", "subject", "purge-recent")).isOne();
    }

    private void history(String hash, Instant rotatedAt, Instant expiresAt) {
        jdbc.sql("insert into refresh_token_history (token_hash, authorization_id, rotated_at, expires_at) values (?, ?, ?, ?)")
                .params(hash, "purge-test", Timestamp.from(rotatedAt), Timestamp.from(expiresAt)).update();
    }

    private long count(String table, String column, String value) {
        return jdbc.sql("select count(*) from " + table + " where " + column + " = ?").param(value).query(Long.class).single();
    }

    private static String jti(String token) {
        String payload = new String(java.util.Base64.getUrlDecoder().decode(token.split("\\.")[1]), java.nio.charset.StandardCharsets.UTF_8);
        return tools.jackson.databind.json.JsonMapper.builder().build().readTree(payload).get("jti").asString();
    }
}
