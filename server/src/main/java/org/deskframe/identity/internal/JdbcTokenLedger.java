package org.deskframe.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.AccessTokensRevoked;
import org.deskframe.identity.TokenLedger;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The access-token ledger in the database, shared by every node. */
@Component
class JdbcTokenLedger implements TokenLedger {

    private final JdbcClient jdbc;
    private final ApplicationEventPublisher events;
    private final JdbcAccessChanges changes;

    JdbcTokenLedger(JdbcClient jdbc, ApplicationEventPublisher events, JdbcAccessChanges changes) {
        this.jdbc = jdbc;
        this.events = events;
        this.changes = changes;
    }

    @Override
    public boolean isRevoked(String jti) {
        return jdbc.sql("select revoked_at from access_token_ledger where jti = ?").param(jti)
                .query((rs, n) -> rs.getTimestamp(1) != null).optional()
                .orElse(true);
    }

    /** Revokes every live access token of a subject (an agent who was disabled). */
    int revokeSubject(String subject) {
        List<String> live = jdbc.sql("select jti from access_token_ledger where subject = ? and revoked_at is null")
                .param(subject).query(String.class).list();
        int n = jdbc.sql("update access_token_ledger set revoked_at = ? where subject = ? and revoked_at is null")
                .params(Columns.now(), subject).update();
        revoked(live);
        return n;
    }

    /**
     * Records a token issued just now (its jti is new): one insert, no prior read, in the caller's transaction (a guest
     * token's row commits with its conversation). The authorization server's tokens go through {@link IssuanceGroupCommit}.
     */
    void recordIssued(String jti, String authorizationId, String clientId, String subject, Instant expiresAt) {
        jdbc.sql("insert into access_token_ledger (jti, authorization_id, client_id, subject, expires_at) values (?, ?, ?, ?, ?)")
                .params(jti, authorizationId, clientId, subject, Timestamp.from(expiresAt))
                .update();
    }

    /** Records a token of an authorization saved again (it may be there already), or its revocation. */
    void record(String jti, String authorizationId, String clientId, String subject, Instant expiresAt, boolean revoked) {
        int updated = jdbc.sql("update access_token_ledger set revoked_at = coalesce(revoked_at, ?) where jti = ?")
                .params(revoked ? Timestamp.from(Instant.now()) : null, jti).update();
        if (updated == 0) {
            jdbc.sql("insert into access_token_ledger (jti, authorization_id, client_id, subject, expires_at, revoked_at) "
                            + "values (?, ?, ?, ?, ?, ?)")
                    .params(jti, authorizationId, clientId, subject, Timestamp.from(expiresAt),
                            revoked ? Timestamp.from(Instant.now()) : null)
                    .update();
        }
        if (revoked) revoked(List.of(jti));
    }

    /** A token's ledger row: who it was issued to, for which authorization, and whether it was revoked. */
    record Entry(String jti, String authorizationId, String clientId, String subject, Instant expiresAt, boolean revoked) {}

    java.util.Optional<Entry> find(String jti) {
        return jdbc.sql("select authorization_id, client_id, subject, expires_at, revoked_at from access_token_ledger where jti = ?")
                .param(jti)
                .query((rs, n) -> new Entry(jti, rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant(), rs.getTimestamp(5) != null))
                .optional();
    }

    /** Revokes every access token an authorization (a refresh-token family) ever issued. */
    int revokeAuthorization(String authorizationId) {
        List<String> live = jdbc.sql("select jti from access_token_ledger where authorization_id = ? and revoked_at is null")
                .param(authorizationId).query(String.class).list();
        int n = jdbc.sql("update access_token_ledger set revoked_at = ? where authorization_id = ? and revoked_at is null")
                .params(Columns.now(), authorizationId).update();
        revoked(live);
        return n;
    }

    /** The feed entries go beside the ledger's update: a node that misses the event finds them (SessionControl). */
    private void revoked(List<String> jtis) {
        if (jtis.isEmpty()) return;
        changes.record(AccessChange.Kind.TOKEN, jtis);
        events.publishEvent(new AccessTokensRevoked(new java.util.HashSet<>(jtis)));
    }
}
