package org.deskframe.identity.internal;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Org;
import org.deskframe.identity.OrgDirectory;
import org.deskframe.identity.RegionSettings;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

@Repository
class JdbcOrgDirectory implements OrgDirectory {

    private final JdbcClient jdbc;
    private final RegionSettings region;

    JdbcOrgDirectory(JdbcClient jdbc, RegionSettings region) {
        this.jdbc = jdbc;
        this.region = region;
    }

    @Override
    public Optional<Org> find(String id) {
        return jdbc.sql("select id, name, region from orgs where id = ?").param(id)
                .query((rs, n) -> new Org(rs.getString(1), rs.getString(2), rs.getString(3))).optional();
    }

    @Override
    public List<Org> all() {
        return jdbc.sql("select id, name, region from orgs order by id")
                .query((rs, n) -> new Org(rs.getString(1), rs.getString(2), rs.getString(3))).list();
    }

    @Override
    public Org create(String id, String name) {
        Identifiers.requireValid("org id", id);
        if (find(id).isPresent()) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "Organisation " + id));
        jdbc.sql("insert into orgs (id, name, region, created_at) values (?, ?, ?, ?)")
                .params(id, name, region.id(), Columns.now()).update();
        return new Org(id, name, region.id());
    }

    @Override
    public Org rename(String id, String name) {
        int n = jdbc.sql("update orgs set name = ? where id = ?").params(name, id).update();
        if (n == 0) throw ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Organisation " + id));
        return find(id).orElseThrow();
    }
}
