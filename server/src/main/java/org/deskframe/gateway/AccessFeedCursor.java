package org.deskframe.gateway;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import org.deskframe.identity.AccessChange;

/**
 * Where this node stands in identity's access-change feed, trusting no clock. Positions are taken when a transaction
 * inserts its entry, so one that commits late appears below positions already read: every position missing below the
 * highest one read is looked for again on each read, until it appears or has been missing for the patience, measured
 * on this node's own monotonic time (a rolled-back insert leaves a hole for good). Not thread-safe: its owner reads the
 * feed one read at a time.
 */
final class AccessFeedCursor {

    /** More missing positions than this at once is not a late commit but a jump of the database's sequence. */
    static final int MAX_TRACKED_GAPS = 10_000;

    private final long patienceNanos;
    private final LongSupplier nanoTime;
    /** Every position up to here is done: handled, or given up. */
    private long floor;
    private final TreeSet<Long> handledAbove = new TreeSet<>();
    private final Map<Long, Long> missingSince = new HashMap<>();

    AccessFeedCursor(long head, java.time.Duration patience, LongSupplier nanoTime) {
        this.floor = head;
        this.patienceNanos = patience.toNanos();
        this.nanoTime = nanoTime;
    }

    /** Read the feed after this position (then page on from the last entry read). */
    long readFrom() {
        return floor;
    }

    /** One page of a read, in position order: the entries not handled before, which the caller now handles. */
    List<AccessChange> accept(List<AccessChange> page) {
        List<AccessChange> fresh = new ArrayList<>();
        for (AccessChange c : page) {
            if (c.position() <= floor || !handledAbove.add(c.position())) continue;
            missingSince.remove(c.position());
            fresh.add(c);
        }
        return fresh;
    }

    /** After a read's last page: notes what is missing below the highest position handled, gives up on what has waited too long, moves the floor. */
    void settle() {
        long now = nanoTime.getAsLong();
        long max = handledAbove.isEmpty() ? floor : handledAbove.last();
        if (max - floor - handledAbove.size() > MAX_TRACKED_GAPS) {
            // A sequence jump (PostgreSQL pre-allocates sequence values and loses them in a crash): nothing to wait for.
            missingSince.clear();
            handledAbove.clear();
            floor = max;
            return;
        }
        for (long p = floor + 1; p < max; p++) {
            if (!handledAbove.contains(p)) missingSince.putIfAbsent(p, now);
        }
        missingSince.values().removeIf(since -> now - since >= patienceNanos);
        while (floor < max) {
            long next = floor + 1;
            if (handledAbove.remove(next) || !missingSince.containsKey(next)) floor = next;
            else break;
        }
    }

    /** Positions looked for again on the next read. */
    int gaps() {
        return missingSince.size();
    }
}
