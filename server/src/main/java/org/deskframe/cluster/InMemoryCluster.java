package org.deskframe.cluster;

import java.time.Clock;
import org.deskframe.cluster.internal.InMemoryLimits;

/**
 * A cluster of one node in this process, without Spring: the same implementations the platform runs when no Redis is
 * configured, for unit tests and tools that need a port on a clock of their own.
 */
public final class InMemoryCluster {

    private InMemoryCluster() {}

    public static ClusterLimits limits(Clock clock) {
        return InMemoryLimits.of(clock);
    }
}
