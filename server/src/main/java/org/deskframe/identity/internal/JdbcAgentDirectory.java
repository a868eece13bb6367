package org.deskframe.identity.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.AgentChanged;
import org.deskframe.identity.AgentDisabled;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Repository;

@Repository
class JdbcAgentDirectory implements AgentDirectory {

    private static final String COLUMNS = "id, org_id, username, email, display_name, roles, enabled";

    private final JdbcClient jdbc;
    private final PasswordEncoder passwords;
    private final JdbcTokenLedger ledger;
    private final ApplicationEventPublisher events;
    private final JdbcAccessChanges changes;

    JdbcAgentDirectory(JdbcClient jdbc, PasswordEncoder passwords, JdbcTokenLedger ledger, ApplicationEventPublisher events,
                       JdbcAccessChanges changes) {
        this.events = events;
        this.changes = changes;
        this.jdbc = jdbc;
        this.passwords = passwords;
        this.ledger = ledger;
    }

    @Override
    public Optional<Agent> find(String id) {
        return jdbc.sql("select " + COLUMNS + " from agents where id = ?").param(id).query(this::map).optional();
    }

    @Override
    public Optional<Agent> findByUsername(String username) {
        return jdbc.sql("select " + COLUMNS + " from agents where username = ?").param(username).query(this::map).optional();
    }

    @Override
    public List<Agent> inOrg(String orgId) {
        return jdbc.sql("select " + COLUMNS + " from agents where org_id = ? order by id").param(orgId).query(this::map).list();
    }

    /** In the database, so a keystroke of the agent search never reads a whole large organisation. */
    @Override
    public List<Agent> search(String orgId, String query, int limit) {
        String like = "%" + query.strip().toLowerCase(java.util.Locale.ROOT).replace("!", "!!").replace("%", "!%").replace("_", "!_") + "%";
        return jdbc.sql("select " + COLUMNS + " from agents where org_id = ? and enabled and (lower(username) like ? escape '!' "
                        + "or lower(id) like ? escape '!' or lower(coalesce(display_name, '')) like ? escape '!') "
                        + "order by lower(coalesce(nullif(display_name, ''), username)), id limit ?")
                .params(orgId, like, like, like, limit).query(this::map).list();
    }

    @Override
    public Agent create(NewAgent a) {
        Identifiers.requireValid("agent id", a.id());
        if (a.username() == null || a.username().isBlank() || a.username().length() > 200 || a.username().contains(" ")) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "username must be 1-200 characters without spaces"));
        }
        if (a.password() != null && a.password().length() < 8) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "password must be at least 8 characters"));
        }
        if (find(a.id()).isPresent()) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "Agent " + a.id()));
        if (findByUsername(a.username()).isPresent()) {
            throw ProblemException.of(ErrorCode.CONFLICT, Map.of("resource", "Agent with username " + a.username()));
        }
        Set<String> roles = a.roles() == null || a.roles().isEmpty() ? Set.of("agent") : a.roles();
        String displayName = a.displayName() == null || a.displayName().isBlank() ? a.username() : a.displayName();
        jdbc.sql("insert into agents (id, org_id, username, email, display_name, password_hash, roles, enabled, created_at) "
                        + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                .params(a.id(), a.orgId(), a.username(), a.email(), displayName,
                        a.password() == null ? null : passwords.encode(a.password()),
                        Columns.join(roles), a.enabled(), Columns.now())
                .update();
        return find(a.id()).orElseThrow();
    }

    @Override
    public Agent update(String id, AgentChange change) {
        Agent current = find(id).orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + id)));
        jdbc.sql("update agents set email = ?, display_name = ?, roles = ?, enabled = ? where id = ?")
                .params(change.email() != null ? change.email() : current.email(),
                        change.displayName() != null ? change.displayName() : current.displayName(),
                        Columns.join(change.roles() != null ? change.roles() : current.roles()),
                        change.enabled() != null ? change.enabled() : current.enabled(), id)
                .update();
        if (Boolean.FALSE.equals(change.enabled()) && current.enabled()) {
            // Disabling takes effect at once: live tokens are revoked, and open sessions close (on every node).
            ledger.revokeSubject(id);
            changes.record(AccessChange.Kind.AGENT, id);
            events.publishEvent(new AgentDisabled(id, current.orgId()));
        } else {
            if (change.roles() != null && !change.roles().equals(current.roles())) {
                changes.record(AccessChange.Kind.AGENT, id);
            }
            // Every change is told: token checks keep agents they read, and re-read one that changed.
            events.publishEvent(new AgentChanged(id, current.orgId()));
        }
        return find(id).orElseThrow();
    }

    @Override
    public void setPassword(String id, String password) {
        if (password == null || password.length() < 8) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "password must be at least 8 characters"));
        }
        int n = jdbc.sql("update agents set password_hash = ? where id = ?").params(passwords.encode(password), id).update();
        if (n == 0) throw ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + id));
    }

    /** For the login page only: the stored hash of an enabled or disabled agent. */
    Optional<String> passwordHash(String username) {
        return jdbc.sql("select password_hash from agents where username = ?").param(username)
                .query(String.class).optional();
    }

    private Agent map(ResultSet rs, int n) throws SQLException {
        return new Agent(rs.getString("id"), rs.getString("org_id"), rs.getString("username"), rs.getString("email"),
                rs.getString("display_name"), Columns.split(rs.getString("roles")), rs.getBoolean("enabled"));
    }
}
