package org.deskframe.identity.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.AccessChanges;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** The access-change feed in the {@code access_changes} table; identity writes it beside each change it reports. */
@Component
class JdbcAccessChanges implements AccessChanges {

    private final JdbcClient jdbc;

    JdbcAccessChanges(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    void record(AccessChange.Kind kind, String subject) {
        jdbc.sql("insert into access_changes (kind, subject, changed_at) values (?, ?, ?)")
                .params(kind.name(), subject, Columns.now()).update();
    }

    void record(AccessChange.Kind kind, List<String> subjects) {
        for (String s : subjects) record(kind, s);
    }

    @Override
    public List<AccessChange> after(long position, int limit) {
        return jdbc.sql("select position, kind, subject from access_changes where position > ? order by position limit ?")
                .params(position, Math.max(1, limit))
                .query((rs, n) -> new AccessChange(rs.getLong(1), AccessChange.Kind.valueOf(rs.getString(2)), rs.getString(3)))
                .list();
    }

    @Override
    public long head() {
        return jdbc.sql("select coalesce(max(position), 0) from access_changes").query(Long.class).single();
    }

    /** Entries older than what any reader still looks at (readers re-read gaps for minutes, not days). */
    int purgeBefore(Instant before) {
        return jdbc.sql("delete from access_changes where changed_at < ?").param(Timestamp.from(before)).update();
    }
}
