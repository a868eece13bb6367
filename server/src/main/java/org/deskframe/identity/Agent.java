package org.deskframe.identity;

import java.util.Set;

/** A person who answers conversations and calls. Usernames are unique within a deployment (region). */
public record Agent(String id, String orgId, String username, String email, String displayName,
                    Set<String> roles, boolean enabled) {
    public Agent {
        roles = Set.copyOf(roles);
    }
}
