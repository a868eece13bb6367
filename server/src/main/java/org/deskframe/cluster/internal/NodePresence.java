package org.deskframe.cluster.internal;

import java.util.Collection;
import java.util.Map;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;

/** {@link Presence} over this node's registry (memory or Redis behind it). */
final class NodePresence implements Presence {

    private final NodeRegistry registry;

    NodePresence(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void register(PrincipalKey principal, String sessionId) {
        registry.register(principal, sessionId);
    }

    @Override
    public void unregister(PrincipalKey principal, String sessionId) {
        registry.unregister(principal, sessionId);
    }

    @Override
    public PresenceView lookup(PrincipalKey principal) {
        return registry.lookup(principal);
    }

    @Override
    public Map<PrincipalKey, PresenceView> lookup(Collection<PrincipalKey> principals) {
        return registry.lookup(principals);
    }
}
