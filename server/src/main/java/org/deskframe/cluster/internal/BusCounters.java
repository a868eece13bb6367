package org.deskframe.cluster.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/** What this node's bus did since it started, for the health details and the tests. */
final class BusCounters {
    final AtomicLong published = new AtomicLong();
    final AtomicLong refused = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong received = new AtomicLong();
    final AtomicLong dropped = new AtomicLong();
    final AtomicLong duplicates = new AtomicLong();
    final AtomicLong gaps = new AtomicLong();
    final AtomicLong unreadable = new AtomicLong();
    final AtomicLong unknownTypes = new AtomicLong();

    Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("published", published.get());
        m.put("publishRefused", refused.get());
        m.put("publishFailed", failed.get());
        m.put("received", received.get());
        m.put("droppedQueueFull", dropped.get());
        m.put("duplicatesDropped", duplicates.get());
        m.put("gapsSeen", gaps.get());
        m.put("unreadable", unreadable.get());
        m.put("unknownTypes", unknownTypes.get());
        return m;
    }
}
