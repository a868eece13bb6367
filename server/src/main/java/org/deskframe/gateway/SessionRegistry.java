package org.deskframe.gateway;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The sessions open on this node, all of them and by principal (for delivery and the per-principal limit). */
@Component
class SessionRegistry implements LocalSessions {

    private final ConcurrentHashMap<String, StreamSession> all = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<StreamSession>> byPrincipal = new ConcurrentHashMap<>();

    void opened(StreamSession s) {
        all.put(s.id, s);
    }

    /** Binds a session to its principal unless it already has {@code limit} sessions here; false when over the limit. */
    boolean bind(StreamSession s, String principalKey, int limit) {
        boolean[] added = {false};
        byPrincipal.compute(principalKey, (k, set) -> {
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
        String key = s.principalKey();
        if (key != null) {
            byPrincipal.computeIfPresent(key, (k, set) -> {
                set.remove(s);
                return set.isEmpty() ? null : set;
            });
        }
    }

    Collection<StreamSession> all() {
        return all.values();
    }

    @Override
    public Set<StreamSession> of(String principalKey) {
        Set<StreamSession> s = byPrincipal.get(principalKey);
        return s == null ? Set.of() : s;
    }

    int size() {
        return all.size();
    }
}
