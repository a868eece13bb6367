package org.deskframe.cluster.internal;

import java.time.Duration;
import org.deskframe.cluster.ClusterLimits;

/** {@link ClusterLimits} over this node's registry (memory or Redis behind it). */
final class NodeLimits implements ClusterLimits {

    private final NodeRegistry registry;

    NodeLimits(NodeRegistry registry) {
        this.registry = registry;
    }

    @Override
    public Lease tryAcquire(String key, String holderId, int limit) {
        if (limit < 0) throw new IllegalArgumentException("limit must be at least 0, not " + limit);
        return registry.tryAcquire(key, holderId, limit);
    }

    @Override
    public void release(String key, String holderId) {
        registry.release(key, holderId);
    }

    @Override
    public Rate tryTake(String key, double ratePerSecond, int burst) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("a token bucket needs a positive rate and a burst of at least 1, not "
                    + ratePerSecond + "/s burst " + burst);
        }
        return registry.tryTake(key, ratePerSecond, burst);
    }

    @Override
    public Failures recordFailure(String key, Duration window, int keep) {
        check(window);
        if (keep < 1) throw new IllegalArgumentException("keep must be at least 1, not " + keep);
        return registry.failures(key, SharedState.FailureOp.FAIL, window, keep);
    }

    @Override
    public Failures failures(String key, Duration window) {
        check(window);
        return registry.failures(key, SharedState.FailureOp.READ, window, Integer.MAX_VALUE);
    }

    @Override
    public void recordSuccess(String key) {
        registry.failures(key, SharedState.FailureOp.SUCCESS, Duration.ofDays(1), Integer.MAX_VALUE);
    }

    private static void check(Duration window) {
        if (window.isNegative() || window.isZero()) throw new IllegalArgumentException("window must be positive, not " + window);
    }
}
