package org.deskframe.cluster.internal;

import java.time.Clock;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;

/** {@link ClusterLimits} of a one-node cluster in this process, on a given clock, without a Spring context. */
public final class InMemoryLimits {
    // Public only for InMemoryCluster, the cluster API's factory.

    private InMemoryLimits() {}

    public static ClusterLimits of(Clock clock) {
        ClusterSettings settings = new ClusterSettings(null, "local", "local", null, null, null, null, null, null, null);
        NodeRegistry registry = new NodeRegistry(settings.nodeId(), new MemoryHub(clock, settings.localEntries()), settings, false,
                clock, e -> { });
        registry.start();
        return new NodeLimits(registry);
    }
}
