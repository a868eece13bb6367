package org.deskframe.gateway;

import java.util.Collection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/** The sessions open on this node, all of them and by principal (for delivery). */
@Component
class SessionRegistry implements LocalSessions {

    private final ConcurrentHashMap<String, StreamSession> all = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Set<StreamSession>> byPrincipal = new ConcurrentHashMap<>();

    void opened(StreamSession s) {
        all.put(s.id, s);
    }

    /** Binds a session to its principal, for delivery (the per-principal limit is the cluster's). */
    void bind(StreamSession s, String principalKey) {
        // Inside compute: a concurrent close of the principal's last session cannot drop the set this one joins.
        byPrincipal.compute(principalKey, (k, set) -> {
            if (set == null) set = ConcurrentHashMap.newKeySet();
            set.add(s);
            return set;
        });
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

    @Override
    public Collection<StreamSession> all() {
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
