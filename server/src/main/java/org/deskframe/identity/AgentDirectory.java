package org.deskframe.identity;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/** Agents of every organisation. Passwords are only ever stored as hashes. */
public interface AgentDirectory {
    Optional<Agent> find(String id);
    Optional<Agent> findByUsername(String username);
    List<Agent> inOrg(String orgId);
    /** Creates an agent; {@code password} may be null for agents that only get tokens through a trusted backend. */
    Agent create(NewAgent agent);
    Agent update(String id, AgentChange change);
    void setPassword(String id, String password);

    record NewAgent(String id, String orgId, String username, String email, String displayName,
                    String password, Set<String> roles, boolean enabled) {}

    /** Fields left null are unchanged. */
    record AgentChange(String email, String displayName, Set<String> roles, Boolean enabled) {}
}
