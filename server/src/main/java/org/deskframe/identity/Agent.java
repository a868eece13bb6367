package org.deskframe.identity;

import java.util.Set;

/** A person who answers conversations and calls. Usernames are unique within a deployment (region). */
public record Agent(String id, String orgId, String username, String email, String displayName,
                    Set<String> roles, boolean enabled) {
    public Agent {
        roles = Set.copyOf(roles);
    }

    /** The name people see: the display name, or the username when there is none. */
    public String shownName() {
        return displayName != null && !displayName.isBlank() ? displayName : username;
    }
}
