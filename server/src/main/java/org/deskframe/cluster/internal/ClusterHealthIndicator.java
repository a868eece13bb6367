package org.deskframe.cluster.internal;

import java.util.Map;
import org.deskframe.cluster.ClusterSettings;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;

/**
 * Health {@code cluster}: UP on a single node and while Redis answers; DOWN, with the reason and since when, while
 * it is configured and unreachable (the node still serves its own sessions). Reads state only: the link's probe
 * decides, and logs each change once.
 */
final class ClusterHealthIndicator implements HealthIndicator {

    private final ClusterSettings settings;
    private final RedisLink link;
    private final NodeBus bus;

    ClusterHealthIndicator(ClusterSettings settings, RedisLink link, NodeBus bus) {
        this.settings = settings;
        this.link = link;
        this.bus = bus;
    }

    @Override
    public Health health() {
        if (link == null) {
            return Health.up().withDetail("mode", "single node (in memory)").withDetail("node", settings.nodeId()).build();
        }
        RedisLink.Status status = link.status();
        Health.Builder health = status.up() ? Health.up() : Health.down();
        health.withDetail("mode", "redis")
                .withDetail("redis", link.where())
                .withDetail("namespace", settings.namespace())
                .withDetail("node", settings.nodeId())
                .withDetail("since", status.since().toString());
        if (!status.up()) {
            health.withDetail("reason", "Redis unreachable (" + status.reason() + "): messages to other nodes are refused;"
                    + " presence and limits are this node's alone; sessions on this node keep working");
        }
        Map<String, Long> counters = bus.counters();
        health.withDetail("bus", counters);
        return health.build();
    }
}
