package org.deskframe.cluster;

import java.time.Duration;

/**
 * Limits that hold across the nodes of a deployment, each decided atomically where the state lives (a Lua script in
 * Redis; a lock in memory), with the time of that place (Redis's clock, so nodes' clocks need not agree).
 *
 * <p>Guarantees common to all three: every call is bounded by {@link ClusterSettings#commandTimeout()}; while the
 * cluster is unreachable each is decided by this node alone, at once, from its own memory (so a limit is per node, N
 * times looser with N nodes, until Redis returns; logged once per outage) and the answer says so
 * ({@code clusterWide() == false}); state never grows without bound (Redis keys expire, memory is bounded and evicts
 * the least recently used).
 */
public interface ClusterLimits {

    /**
     * Takes one of {@code limit} slots under {@code key} for {@code holderId} (the per-agent connection limit: key
     * {@code connections:agent:<id>}, holder the session id). Taking a slot one already holds grants it again without
     * taking another. A slot is held until {@link #release}, or until its node stops its heartbeat for the whole
     * {@link ClusterSettings#presenceTtl()} (a killed node does not keep an agent's slots). A node that comes back after
     * an outage re-registers the slots its sessions still hold, even when that takes a key past its limit for a while
     * (open sessions are not closed for it); new slots are then refused until it is below again.
     */
    Lease tryAcquire(String key, String holderId, int limit);

    /** Gives the slot back (nothing happens when {@code holderId} holds none). */
    void release(String key, String holderId);

    /**
     * Takes one permit from the token bucket {@code key}: {@code ratePerSecond} sustained, bursts up to {@code burst}.
     * A bucket untouched long enough to be full again is forgotten (that is the same as full).
     */
    Rate tryTake(String key, double ratePerSecond, int burst);

    /**
     * Records a failed attempt of {@code key} (a login or client authentication) and returns the record after it:
     * failures within the last {@code window} (at most {@code keep} remembered, the oldest forgotten first) and
     * consecutive failures since the last {@link #recordSuccess}. The record is forgotten one window after its last failure.
     */
    Failures recordFailure(String key, Duration window, int keep);

    /** The failure record of {@code key} without changing it (none: zero failures). */
    Failures failures(String key, Duration window);

    /** A successful attempt: the consecutive count starts again, the failures within the window stay. */
    void recordSuccess(String key);

    /**
     * @param granted     whether the holder has a slot now
     * @param held        slots held under the key after this call (on this node alone when not cluster-wide)
     * @param clusterWide false when this was decided by this node alone
     */
    record Lease(boolean granted, int held, boolean clusterWide) {}

    /**
     * @param allowed     whether a permit was taken
     * @param retryAfter  when refused, how long until the next permit (zero when allowed)
     * @param clusterWide false when this was decided by this node alone
     */
    record Rate(boolean allowed, Duration retryAfter, boolean clusterWide) {

        /** {@link #retryAfter} in whole seconds, rounded up, at least 1 when refused (for {@code retryAfterSeconds} hints). */
        public long retryAfterSeconds() {
            if (allowed) return 0;
            return Math.max(1, (retryAfter.toMillis() + 999) / 1000);
        }
    }

    /**
     * @param consecutive failures since the last success
     * @param inWindow    failures within the window (at most {@code keep})
     * @param sinceOldest how long ago the oldest failure within the window was (zero when none)
     * @param sinceLatest how long ago the latest failure was (zero when none)
     * @param clusterWide false when this was decided by this node alone
     */
    record Failures(int consecutive, int inWindow, Duration sinceOldest, Duration sinceLatest, boolean clusterWide) {}
}
