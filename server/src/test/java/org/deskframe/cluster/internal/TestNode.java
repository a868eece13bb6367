package org.deskframe.cluster.internal;

import io.lettuce.core.RedisClient;
import io.lettuce.core.resource.ClientResources;
import java.time.Clock;
import java.time.Duration;
import org.deskframe.cluster.ClusterSettings;

/** One node's ports, assembled as {@link ClusterConfiguration} does, for tests that run several nodes in one JVM. */
final class TestNode implements AutoCloseable {

    final ClusterSettings settings;
    final AbstractBus bus;
    final NodeRegistry registry;
    final NodePresence presence;
    final NodeLimits limits;
    final BusControl control;
    final BusFanout fanout;
    final ClusterHealthIndicator health;
    private final RedisLink link;
    private final RedisClient client;
    private final ClientResources resources;
    private boolean closed;

    private TestNode(ClusterSettings settings, AbstractBus bus, NodeRegistry registry, RedisLink link, RedisClient client,
                     ClientResources resources) {
        this.settings = settings;
        this.bus = bus;
        this.registry = registry;
        this.link = link;
        this.client = client;
        this.resources = resources;
        this.presence = new NodePresence(registry);
        this.limits = new NodeLimits(registry);
        this.control = new BusControl(bus);
        this.fanout = new BusFanout(bus);
        this.health = new ClusterHealthIndicator(settings, link, bus);
        if (link != null) link.start();
        bus.start();
        registry.start();
    }

    static TestNode inMemory(MemoryHub hub, String nodeId, Duration ttl, Clock clock) {
        ClusterSettings s = new ClusterSettings(null, nodeId, "test", ttl, null, null, null, null, null, null);
        return new TestNode(s, new MemoryBus(hub, s), new NodeRegistry(nodeId, hub, s, false, clock, e -> { }), null, null, null);
    }

    /** A node over Redis with the default command timeout and quick probes and reconnects, so outages show within a second. */
    static TestNode overRedis(String url, String namespace, String nodeId, Duration ttl) {
        ClusterSettings s = new ClusterSettings(url, nodeId, namespace, ttl, Duration.ofMillis(500), Duration.ofMillis(500),
                Duration.ofMillis(200), Duration.ofMillis(200), null, null);
        ClientResources resources = ClusterConfiguration.clientResources(s);
        RedisClient client = ClusterConfiguration.redisClient(resources, s);
        RedisLink link = new RedisLink(client, s);
        RedisBus bus = new RedisBus(link, s);
        NodeRegistry registry = ClusterConfiguration.registry(link, s);
        return new TestNode(s, bus, registry, link, client, resources);
    }

    String id() {
        return settings.nodeId();
    }

    boolean up() {
        return health.health().getStatus().getCode().equals("UP");
    }

    /** Stops like a killed process: no heartbeat, no goodbye, connections dropped. */
    void crash() {
        closed = true;
        registry.halt();
        bus.stop();
        stopTransport();
    }

    @Override
    public void close() {
        if (closed) return;
        closed = true;
        registry.stop();
        bus.stop();
        stopTransport();
    }

    private void stopTransport() {
        if (link != null) {
            link.stop();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
            resources.shutdown(0, 1, java.util.concurrent.TimeUnit.SECONDS);
        }
    }
}
