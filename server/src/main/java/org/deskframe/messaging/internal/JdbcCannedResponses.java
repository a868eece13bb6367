package org.deskframe.messaging.internal;

import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.CannedResponses;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JdbcCannedResponses implements CannedResponses {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, org_id, title, body, created_at, updated_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    JdbcCannedResponses(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    @Override
    public List<CannedResponse> inOrg(String orgId) {
        return jdbc.sql("select " + COLUMNS + " from canned_responses where org_id = ? order by lower(title), id")
                .param(orgId).query(JdbcCannedResponses::row).list();
    }

    @Override
    public Optional<CannedResponse> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from canned_responses where id = ?").param(id)
                .query(JdbcCannedResponses::row).optional();
    }

    @Override
    public CannedResponse create(String orgId, String title, String text) {
        String id = "cr_" + randomId();
        Timestamp now = Timestamp.from(Instant.now());
        return tx.execute(s -> {
            requireFreeTitle(orgId, title, null);
            jdbc.sql("insert into canned_responses (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?)")
                    .params(id, orgId, title, text, now, now).update();
            return find(id).orElseThrow();
        });
    }

    @Override
    public CannedResponse update(String id, String title, String text) {
        return tx.execute(s -> {
            CannedResponse current = find(id).orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND,
                    Map.of("resource", "Canned response " + id)));
            if (title != null) requireFreeTitle(current.orgId(), title, id);
            jdbc.sql("update canned_responses set title = ?, body = ?, updated_at = ? where id = ?")
                    .params(title == null ? current.title() : title, text == null ? current.text() : text,
                            Timestamp.from(Instant.now()), id).update();
            return find(id).orElseThrow();
        });
    }

    @Override
    public void delete(String id) {
        jdbc.sql("delete from canned_responses where id = ?").param(id).update();
    }

    /** Titles are what agents pick by, so two of one org may not look alike (compared ignoring case). */
    private void requireFreeTitle(String orgId, String title, String exceptId) {
        jdbc.sql("select id from canned_responses where org_id = ? and lower(title) = lower(?)").params(orgId, title)
                .query(String.class).list().stream().filter(existing -> !existing.equals(exceptId)).findFirst()
                .ifPresent(existing -> {
                    throw ProblemException.of(ErrorCode.CANNED_RESPONSE_TITLE_TAKEN,
                            Map.of("org", orgId, "title", title, "existing", existing));
                });
    }

    private static CannedResponse row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new CannedResponse(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getTimestamp(5).toInstant(), rs.getTimestamp(6).toInstant());
    }

    private static String randomId() {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
