package org.deskframe.cluster.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.cluster.ClusterLimits;

/**
 * Token buckets and failure records in this process's memory: the store of a single node, and every node's fallback
 * while Redis is unreachable. At most {@code capacity} of them; past that the least recently used is forgotten (a
 * forgotten bucket is a full one, a forgotten failure record a clean one).
 */
final class LocalLimits {

    private final Clock clock;
    private final Map<String, Object> entries;

    LocalLimits(int capacity, Clock clock) {
        this.clock = clock;
        this.entries = new LinkedHashMap<>(1024, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Object> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized ClusterLimits.Rate take(String key, double ratePerSecond, int burst, boolean clusterWide) {
        double now = clock.millis();
        double perMilli = ratePerSecond / 1000.0;
        Bucket b = (Bucket) entries.computeIfAbsent("b:" + key, k -> new Bucket(burst, now));
        if (now > b.at) b.tokens = Math.min(burst, b.tokens + (now - b.at) * perMilli);
        b.at = now;
        if (b.tokens >= 1) {
            b.tokens -= 1;
            return new ClusterLimits.Rate(true, Duration.ZERO, clusterWide);
        }
        return new ClusterLimits.Rate(false, Duration.ofMillis((long) Math.ceil((1 - b.tokens) / perMilli)), clusterWide);
    }

    synchronized ClusterLimits.Failures failures(String key, SharedState.FailureOp op, Duration window, int keep, boolean clusterWide) {
        Instant now = clock.instant();
        String k = "f:" + key;
        FailureRecord r = (FailureRecord) entries.get(k);
        if (r != null) {
            r.prune(now.minus(window));
            if (r.times.isEmpty() && r.latest != null && r.latest.plus(window).isBefore(now)) {
                entries.remove(k);
                r = null;
            }
        }
        switch (op) {
            case FAIL -> {
                if (r == null) {
                    r = new FailureRecord();
                    entries.put(k, r);
                }
                r.times.addLast(now);
                while (r.times.size() > keep) r.times.removeFirst();
                r.consecutive++;
                r.latest = now;
            }
            case SUCCESS -> {
                if (r != null) r.consecutive = 0;
            }
            case READ -> { }
        }
        if (r == null || r.times.isEmpty()) {
            return new ClusterLimits.Failures(r == null ? 0 : r.consecutive, 0, Duration.ZERO,
                    r == null || r.latest == null ? Duration.ZERO : Duration.between(r.latest, now), clusterWide);
        }
        return new ClusterLimits.Failures(r.consecutive, r.times.size(), Duration.between(r.times.peekFirst(), now),
                Duration.between(r.times.peekLast(), now), clusterWide);
    }

    synchronized int size() {
        return entries.size();
    }

    private static final class Bucket {
        double tokens;
        double at;

        Bucket(double tokens, double at) {
            this.tokens = tokens;
            this.at = at;
        }
    }

    private static final class FailureRecord {
        final ArrayDeque<Instant> times = new ArrayDeque<>();
        int consecutive;
        Instant latest;

        void prune(Instant before) {
            while (!times.isEmpty() && times.peekFirst().isBefore(before)) times.removeFirst();
        }
    }
}
