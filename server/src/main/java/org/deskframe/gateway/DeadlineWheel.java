package org.deskframe.gateway;

import java.util.ArrayList;
import java.util.List;

/**
 * A hashed timing wheel (Varghese and Lauck): entries due at a time, in slots of {@code tickMillis}, so that a pass
 * touches only the entries due in the ticks it covers instead of every entry. The links live in the entries themselves
 * ({@link Entry}), so holding an entry allocates nothing and moving or cancelling one is O(1). An entry is never
 * returned before it is due, and is returned by the first {@link #drainDue} whose time has reached its due tick.
 * Thread-safe (one monitor; the passes and the moves it serves are short).
 */
final class DeadlineWheel<E extends DeadlineWheel.Entry> {

    /** The wheel's links, held by each entry; an entry is in at most one wheel, at most once. */
    abstract static class Entry {
        private Entry wheelNext;
        private Entry wheelPrev;
        /** The absolute tick the entry is due at; meaningful only while {@link #wheelSlot} is not -1. */
        private long wheelTick;
        private int wheelSlot = -1;
    }

    private final long tickMillis;
    private final Entry[] heads;
    /** The first tick not drained yet; entries due at or before it wait in its slot. */
    private long nextTick;
    private int size;

    /**
     * @param tickMillis the resolution: an entry comes out at most one tick (plus the drain's own delay) after it is due
     * @param slots      ticks one turn of the wheel covers; an entry due further ahead waits through whole turns
     * @param nowMillis  the time the wheel starts at (ticks before it are taken as drained)
     */
    DeadlineWheel(long tickMillis, int slots, long nowMillis) {
        if (tickMillis <= 0 || slots <= 0) throw new IllegalArgumentException("tick and slots must be positive");
        this.tickMillis = tickMillis;
        this.heads = new Entry[slots];
        this.nextTick = Math.floorDiv(nowMillis, tickMillis);
    }

    /**
     * Places the entry due at {@code dueMillis}, moving it if it was placed before. A time in a tick already drained
     * comes out with the first tick not drained yet.
     */
    synchronized void schedule(E scheduled, long dueMillis) {
        Entry entry = scheduled; // the links are Entry's own (private to it, not members of E)
        unlink(entry);
        // The first tick boundary at or after the due time, so that no entry comes out early.
        long tick = Math.max(nextTick, Math.ceilDiv(dueMillis, tickMillis));
        int slot = (int) Math.floorMod(tick, (long) heads.length);
        entry.wheelTick = tick;
        entry.wheelSlot = slot;
        entry.wheelPrev = null;
        entry.wheelNext = heads[slot];
        if (heads[slot] != null) heads[slot].wheelPrev = entry;
        heads[slot] = entry;
        size++;
    }

    /** Takes {@code entry} out; nothing if it is not in the wheel. */
    synchronized void cancel(E entry) {
        unlink(entry);
    }

    /**
     * Takes out and returns every entry due at or before {@code nowMillis}'s tick, in no particular order, and moves the
     * wheel past that tick. Entries placed afterwards with an earlier time come out at the next drain.
     */
    @SuppressWarnings("unchecked")
    synchronized List<E> drainDue(long nowMillis) {
        long last = Math.floorDiv(nowMillis, tickMillis);
        if (last < nextTick) return List.of();
        List<E> due = new ArrayList<>();
        // One turn covers every slot: after a long pause, each slot is looked at once, not once per missed tick.
        long from = Math.max(nextTick, last - heads.length + 1);
        for (long tick = from; tick <= last; tick++) {
            Entry e = heads[(int) Math.floorMod(tick, (long) heads.length)];
            while (e != null) {
                Entry next = e.wheelNext;
                if (e.wheelTick <= last) {
                    unlink(e);
                    due.add((E) e);
                }
                e = next;
            }
        }
        nextTick = last + 1;
        return due;
    }

    /** Entries waiting in the wheel. */
    synchronized int size() {
        return size;
    }

    private void unlink(Entry e) {
        if (e.wheelSlot < 0) return;
        if (e.wheelPrev != null) e.wheelPrev.wheelNext = e.wheelNext;
        else heads[e.wheelSlot] = e.wheelNext;
        if (e.wheelNext != null) e.wheelNext.wheelPrev = e.wheelPrev;
        e.wheelNext = null;
        e.wheelPrev = null;
        e.wheelSlot = -1;
        size--;
    }
}
