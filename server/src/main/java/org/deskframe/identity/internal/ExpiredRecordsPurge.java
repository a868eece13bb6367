package org.deskframe.identity.internal;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Deletes what can no longer matter: used assertions past their expiry (a replay would fail on exp anyway), ledger
 * rows of tokens expired for a day (an expired token is refused before the ledger is asked), authorizations whose
 * every token has expired, rotated refresh-token hashes a day after the rotated token itself would have expired (reuse
 * detection needs them exactly as long as the token can be presented), and access-change entries older than a day
 * (readers re-read the feed's gaps for seconds, not days).
 */
@Component
class ExpiredRecordsPurge {

    private static final Logger log = LoggerFactory.getLogger(ExpiredRecordsPurge.class);
    static final Duration MARGIN = Duration.ofDays(1);

    private final JdbcClient jdbc;

    ExpiredRecordsPurge(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Scheduled(initialDelayString = "PT1M", fixedDelayString = "PT1H")
    void purge() {
        purge(Instant.now());
    }

    int purge(Instant now) {
        Timestamp margin = Timestamp.from(now.minus(MARGIN));
        int n = jdbc.sql("delete from used_assertions where expires_at < ?").param(Timestamp.from(now)).update();
        n += jdbc.sql("delete from access_token_ledger where expires_at < ?").param(margin).update();
        n += jdbc.sql("delete from oauth2_authorization where coalesce(refresh_token_expires_at, access_token_expires_at, "
                + "authorization_code_expires_at) < ?").param(margin).update();
        n += jdbc.sql("delete from refresh_token_history where expires_at < ?").param(margin).update();
        n += jdbc.sql("delete from access_changes where changed_at < ?").param(margin).update();
        if (n > 0) log.info("purged {} expired identity records", n);
        return n;
    }
}
