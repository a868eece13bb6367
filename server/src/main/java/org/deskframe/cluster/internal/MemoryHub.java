package org.deskframe.cluster.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.PrincipalKey;

/**
 * The shared state and the bus of nodes in one process: a single node's cluster (the default deployment), or several
 * nodes in a test. The same rules as in Redis: entries are {@code node/member} tagged with a generation, a node's
 * entries count while its liveness lasts, expired nodes are swept by the others' heartbeats.
 */
final class MemoryHub implements SharedState {

    private final Clock clock;
    private final LocalLimits limits;
    private final Map<String, Instant> nodes = new HashMap<>();
    private final Map<String, Map<Field, Long>> presence = new HashMap<>();
    private final Map<String, Map<Field, Long>> leases = new HashMap<>();
    private final Map<String, Dispatcher> buses = new ConcurrentHashMap<>();

    MemoryHub(Clock clock, int localEntries) {
        this.clock = clock;
        this.limits = new LocalLimits(localEntries, clock);
    }

    void attach(String node, Dispatcher inbound) {
        buses.put(node, inbound);
    }

    void detach(String node) {
        buses.remove(node);
    }

    /** Every attached node's inbound side but {@code except}'s. */
    List<Dispatcher> othersThan(String except) {
        List<Dispatcher> others = new ArrayList<>(buses.size());
        buses.forEach((n, d) -> {
            if (!n.equals(except)) others.add(d);
        });
        return others;
    }

    boolean hasOthersThan(String except) {
        for (String n : buses.keySet()) {
            if (!n.equals(except)) return true;
        }
        return false;
    }

    Dispatcher inboundOf(String node) {
        return buses.get(node);
    }

    @Override
    public boolean reachable() {
        return true;
    }

    @Override
    public synchronized Beat heartbeat(String node, Duration ttl) {
        Instant now = clock.instant();
        Instant previous = nodes.put(node, now.plus(ttl));
        List<String> expired = new ArrayList<>();
        nodes.forEach((n, until) -> {
            if (until.isBefore(now)) expired.add(n);
        });
        return new Beat(previous != null && !previous.isBefore(now), expired);
    }

    @Override
    public synchronized void add(String node, long generation, List<Entry> entries) {
        for (Entry e : entries) {
            tableOf(e.kind()).computeIfAbsent(e.key(), k -> new HashMap<>()).put(new Field(node, e.member()), generation);
        }
    }

    @Override
    public synchronized void remove(String node, Entry entry) {
        Map<String, Map<Field, Long>> table = tableOf(entry.kind());
        Map<Field, Long> fields = table.get(entry.key());
        if (fields == null) return;
        fields.remove(new Field(node, entry.member()));
        if (fields.isEmpty()) table.remove(entry.key());
    }

    @Override
    public synchronized void purge(String node, Purge mode, long generation) {
        if (mode == Purge.DEAD && alive(node, clock.instant())) return;
        for (Map<String, Map<Field, Long>> table : List.of(presence, leases)) {
            for (Iterator<Map<Field, Long>> keys = table.values().iterator(); keys.hasNext(); ) {
                Map<Field, Long> fields = keys.next();
                fields.entrySet().removeIf(f -> f.getKey().node().equals(node) && (mode != Purge.OLDER || f.getValue() < generation));
                if (fields.isEmpty()) keys.remove();
            }
        }
        if (mode != Purge.OLDER) nodes.remove(node);
    }

    @Override
    public synchronized Map<String, Integer> presence(PrincipalKey principal) {
        Map<String, Integer> counts = new TreeMap<>();
        Map<Field, Long> fields = presence.get(principal.value());
        if (fields == null) return counts;
        Instant now = clock.instant();
        for (Field field : fields.keySet()) {
            if (alive(field.node(), now)) counts.merge(field.node(), 1, Integer::sum);
        }
        return counts;
    }

    @Override
    public synchronized ClusterLimits.Lease acquire(String node, long generation, String key, String holder, int limit) {
        Map<Field, Long> fields = leases.computeIfAbsent(key, k -> new HashMap<>());
        Field mine = new Field(node, holder);
        Instant now = clock.instant();
        int held = 0;
        for (Field field : fields.keySet()) {
            if (field.node().equals(node) || alive(field.node(), now)) held++;
        }
        if (fields.containsKey(mine)) {
            fields.put(mine, generation);
            return new ClusterLimits.Lease(true, held, true);
        }
        if (held < limit) {
            fields.put(mine, generation);
            return new ClusterLimits.Lease(true, held + 1, true);
        }
        if (fields.isEmpty()) leases.remove(key);
        return new ClusterLimits.Lease(false, held, true);
    }

    @Override
    public ClusterLimits.Rate take(String key, double ratePerSecond, int burst) {
        return limits.take(key, ratePerSecond, burst, true);
    }

    @Override
    public ClusterLimits.Failures failures(String key, FailureOp op, Duration window, int keep) {
        return limits.failures(key, op, window, keep, true);
    }

    private boolean alive(String node, Instant now) {
        Instant until = nodes.get(node);
        return until != null && !until.isBefore(now);
    }

    /** One node's entry under a key: a session or a slot holder (two references, no string built per entry). */
    private record Field(String node, String member) {}

    private Map<String, Map<Field, Long>> tableOf(Entry.Kind kind) {
        return kind == Entry.Kind.PRESENCE ? presence : leases;
    }
}
