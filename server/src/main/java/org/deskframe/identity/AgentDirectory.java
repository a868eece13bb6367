package org.deskframe.identity;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Agents of every organisation. Passwords are only ever stored as hashes. */
public interface AgentDirectory {
    Optional<Agent> find(String id);
    Optional<Agent> findByUsername(String username);
    List<Agent> inOrg(String orgId);

    /**
     * Enabled agents of {@code orgId} whose username, id or display name contains {@code query} (ignoring case), by
     * display name, at most {@code limit}: the directory an agent picks a peer from.
     */
    default List<Agent> search(String orgId, String query, int limit) {
        String q = query.strip().toLowerCase(java.util.Locale.ROOT);
        return inOrg(orgId).stream().filter(Agent::enabled)
                .filter(a -> java.util.stream.Stream.of(a.username(), a.id(), a.displayName())
                        .anyMatch(f -> f != null && f.toLowerCase(java.util.Locale.ROOT).contains(q)))
                .sorted(java.util.Comparator.comparing(Agent::shownName, String.CASE_INSENSITIVE_ORDER).thenComparing(Agent::id))
                .limit(limit).toList();
    }
    /** Creates an agent; {@code password} may be null for agents that only get tokens through a trusted backend. */
    Agent create(NewAgent agent);
    Agent update(String id, AgentChange change);
    void setPassword(String id, String password);

    record NewAgent(String id, String orgId, String username, String email, String displayName,
                    String password, Set<String> roles, boolean enabled) {}

    /** Fields left null are unchanged. */
    record AgentChange(String email, String displayName, Set<String> roles, Boolean enabled) {}
}
