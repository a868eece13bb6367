package org.deskframe.cluster;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Where a principal has live sessions: the number of sessions per node id.
 *
 * @param principal      whose sessions these are
 * @param sessionsByNode live sessions per node (nodes without any are absent)
 * @param clusterWide    false when the cluster was unreachable and this is this node's own sessions only
 */
public record PresenceView(PrincipalKey principal, Map<String, Integer> sessionsByNode, boolean clusterWide) {

    public PresenceView {
        sessionsByNode = java.util.Collections.unmodifiableMap(new TreeMap<>(sessionsByNode));
    }

    public boolean present() {
        return !sessionsByNode.isEmpty();
    }

    public Set<String> nodes() {
        return sessionsByNode.keySet();
    }

    public int sessions() {
        return sessionsByNode.values().stream().mapToInt(Integer::intValue).sum();
    }
}
