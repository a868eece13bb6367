package org.deskframe.gateway;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The sessions open on this node, all of them and by agent (for delivery and the per-agent limit). */
@Component
class SessionRegistry {

    private final ConcurrentHashMap<String, StreamSession> all = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<StreamSession>> byAgent = new ConcurrentHashMap<>();

    void opened(StreamSession s) {
        all.put(s.id, s);
    }

    /** Binds a session to its agent unless the agent already has {@code limit} sessions; false when over the limit. */
    boolean bind(StreamSession s, String agentId, int limit) {
        boolean[] added = {false};
        byAgent.compute(agentId, (k, set) -> {
            if (set == null) set = ConcurrentHashMap.newKeySet();
            if (set.size() < limit) {
                set.add(s);
                added[0] = true;
            }
            return set;
        });
        return added[0];
    }

    void closed(StreamSession s) {
        all.remove(s.id);
        String agent = s.agentId();
        if (agent != null) {
            byAgent.computeIfPresent(agent, (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
        }
    }

    Collection<StreamSession> all() {
        return all.values();
    }

    Set<StreamSession> ofAgent(String agentId) {
        Set<StreamSession> s = byAgent.get(agentId);
        return s == null ? Set.of() : s;
    }

    int size() {
        return all.size();
    }
}
