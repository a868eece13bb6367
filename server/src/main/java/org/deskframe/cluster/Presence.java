package org.deskframe.cluster;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Which principals have live sessions, and on which nodes: presence means "a session open on some node", as the
 * gateway registers and unregisters them.
 *
 * <p>Guarantees:
 * <ul>
 * <li><b>Expires unless touched.</b> A node touches its presence with a heartbeat every third of
 * {@link ClusterSettings#presenceTtl()}; once a node has not touched it for the whole ttl (it was killed, or cut off
 * from Redis) its sessions stop counting on every node and are swept, so a dead node's presence disappears by itself.
 * A node that comes back registers its sessions again.</li>
 * <li><b>Registering never blocks:</b> {@link #register} and {@link #unregister} take effect on this node at once and
 * reach the other nodes' view within a round trip to Redis (a caller that reads right after may not see its own
 * change on another node yet).</li>
 * <li><b>Reads are bounded</b> by {@link ClusterSettings#commandTimeout()}. While the cluster is unreachable they answer
 * from this node's sessions alone, at once, with {@link PresenceView#clusterWide()} false (and a warning in the log,
 * once per outage).</li>
 * <li>A session counts once however often it is registered; unregistering an unknown one does nothing.</li>
 * </ul>
 */
public interface Presence {

    /** Marks {@code sessionId} (unique on this node) of {@code principal} as live on this node. */
    void register(PrincipalKey principal, String sessionId);

    /** The session closed. */
    void unregister(PrincipalKey principal, String sessionId);

    /** Where {@code principal} has live sessions, across the cluster. */
    PresenceView lookup(PrincipalKey principal);

    /** {@link #lookup} for several principals in one round trip (routing choosing among agents). */
    default Map<PrincipalKey, PresenceView> lookup(Collection<PrincipalKey> principals) {
        Map<PrincipalKey, PresenceView> views = new LinkedHashMap<>();
        for (PrincipalKey p : principals) views.put(p, lookup(p));
        return views;
    }

    default Set<String> nodesOf(PrincipalKey principal) {
        return lookup(principal).nodes();
    }

    default boolean isPresent(PrincipalKey principal) {
        return lookup(principal).present();
    }

    /** Live sessions of {@code principal} on all nodes. */
    default int sessionCount(PrincipalKey principal) {
        return lookup(principal).sessions();
    }
}
