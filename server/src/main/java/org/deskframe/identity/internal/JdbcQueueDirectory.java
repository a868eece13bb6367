package org.deskframe.identity.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcQueueDirectory implements QueueDirectory {

    private final JdbcClient jdbc;

    JdbcQueueDirectory(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<Queue> find(String id) {
        return jdbc.sql("select id, org_id, name from queues where id = ?").param(id)
                .query((rs, n) -> new Queue(rs.getString(1), rs.getString(2), rs.getString(3))).optional();
    }

    @Override
    public List<Queue> inOrg(String orgId) {
        return jdbc.sql("select id, org_id, name from queues where org_id = ? order by id").param(orgId)
                .query((rs, n) -> new Queue(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    @Override
    public Queue create(String id, String orgId, String name) {
        Identifiers.requireValid("queue id", id);
        if (find(id).isPresent()) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "Queue " + id));
        jdbc.sql("insert into queues (id, org_id, name, created_at) values (?, ?, ?, ?)")
                .params(id, orgId, name, Columns.now()).update();
        return new Queue(id, orgId, name);
    }

    @Override
    public void delete(String id) {
        jdbc.sql("delete from queues where id = ?").param(id).update();
    }
}
