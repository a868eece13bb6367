package org.deskframe.cluster.internal;

import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.PrincipalKey;

/**
 * Where the nodes' shared state lives (Redis, or memory for one process), one atomic operation per method, each
 * bounded in time. Entries (a session's presence, a held slot) belong to a node and a generation of that node's
 * registrations; they count only while their node's liveness, touched by its heartbeat, has not run out.
 */
interface SharedState {

    /** Whether operations may be tried now; false while the store is known to be unreachable. */
    boolean reachable();

    /** Touches {@code node}'s liveness for {@code ttl}; says whether it was still alive, and which nodes are not. */
    Beat heartbeat(String node, Duration ttl);

    /** Adds entries of {@code node}, tagged with {@code generation} (adding one that exists retags it). */
    void add(String node, long generation, List<Entry> entries);

    void remove(String node, Entry entry);

    /**
     * Removes entries of {@code node}: {@link Purge#DEAD} all of them and the node itself, unless it came back alive;
     * {@link Purge#LEAVE} the same without the check (this node shutting down); {@link Purge#OLDER} those tagged with a
     * generation below {@code generation}.
     */
    void purge(String node, Purge mode, long generation);

    /** Live sessions of {@code principal} per live node. */
    Map<String, Integer> presence(PrincipalKey principal);

    default Map<PrincipalKey, Map<String, Integer>> presence(Collection<PrincipalKey> principals) {
        Map<PrincipalKey, Map<String, Integer>> all = new LinkedHashMap<>();
        for (PrincipalKey p : principals) all.put(p, presence(p));
        return all;
    }

    ClusterLimits.Lease acquire(String node, long generation, String key, String holder, int limit);

    ClusterLimits.Rate take(String key, double ratePerSecond, int burst);

    ClusterLimits.Failures failures(String key, FailureOp op, Duration window, int keep);

    enum Purge { DEAD, LEAVE, OLDER }

    enum FailureOp { FAIL, READ, SUCCESS }

    record Beat(boolean wasAlive, List<String> expiredNodes) {}

    /** A session's presence ({@code key} the principal, {@code member} the session id) or a held slot ({@code key} the limit's key, {@code member} the holder). */
    record Entry(Kind kind, String key, String member) {
        enum Kind { PRESENCE, LEASE }

        static Entry presence(PrincipalKey principal, String session) {
            return new Entry(Kind.PRESENCE, principal.value(), session);
        }

        static Entry lease(String key, String holder) {
            return new Entry(Kind.LEASE, key, holder);
        }
    }
}
