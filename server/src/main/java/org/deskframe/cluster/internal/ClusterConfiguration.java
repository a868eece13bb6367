package org.deskframe.cluster.internal;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PrincipalFanout;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.StringUtils;

/**
 * The cluster's beans: in memory when {@code deskframe.cluster.redis-url} is blank, over Redis when it is set. The
 * Redis client, its resources and the connections are the container's: created and closed by it (the connections
 * open when {@link RedisLink} starts, not in a constructor).
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(ClusterSettings.class)
class ClusterConfiguration {

    @Bean
    BusControl clusterControl(NodeBus bus) {
        return new BusControl(bus);
    }

    @Bean
    BusFanout principalFanout(NodeBus bus) {
        return new BusFanout(bus);
    }

    @Bean
    NodePresence presence(NodeRegistry registry) {
        return new NodePresence(registry);
    }

    @Bean
    NodeLimits clusterLimits(NodeRegistry registry) {
        return new NodeLimits(registry);
    }

    /** Every metric carries the node it was measured on, so one dashboard reads all nodes (docs/observability.md). */
    @Bean
    org.springframework.boot.micrometer.metrics.autoconfigure.MeterRegistryCustomizer<io.micrometer.core.instrument.MeterRegistry> nodeTag(
            ClusterSettings settings) {
        return registry -> registry.config().commonTags("node", settings.nodeId());
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(SingleNode.class)
    static class InMemory {

        /** The clock of this node's limits, presence and liveness: the system's, or one a test moves (no sleeping). */
        @Bean
        MemoryHub clusterMemoryHub(ClusterSettings settings, org.springframework.beans.factory.ObjectProvider<Clock> clock) {
            return new MemoryHub(clock.getIfAvailable(Clock::systemUTC), settings.localEntries());
        }

        @Bean
        MemoryBus clusterBus(MemoryHub hub, ClusterSettings settings) {
            return new MemoryBus(hub, settings);
        }

        @Bean
        NodeRegistry clusterRegistry(MemoryHub hub, MemoryBus bus, ClusterSettings settings, org.springframework.beans.factory.ObjectProvider<Clock> clock) {
            NodeRegistry registry = new NodeRegistry(settings.nodeId(), hub, settings, false, clock.getIfAvailable(Clock::systemUTC), e -> { });
            registry.onNodeGone(bus::peerGone);
            return registry;
        }

        @Bean
        HealthIndicator clusterHealthIndicator(ClusterSettings settings, MemoryBus bus) {
            return new ClusterHealthIndicator(settings, null, bus);
        }
    }

    @Configuration(proxyBeanMethods = false)
    @Conditional(OverRedis.class)
    static class OverRedisConfiguration {

        @Bean(destroyMethod = "shutdown")
        ClientResources clusterRedisResources(ClusterSettings settings) {
            return clientResources(settings);
        }

        @Bean(destroyMethod = "shutdown")
        RedisClient clusterRedisClient(ClientResources resources, ClusterSettings settings) {
            return redisClient(resources, settings);
        }

        @Bean
        RedisLink clusterRedisLink(RedisClient client, ClusterSettings settings) {
            return new RedisLink(client, settings);
        }

        @Bean
        RedisBus clusterBus(RedisLink link, ClusterSettings settings) {
            return new RedisBus(link, settings);
        }

        @Bean
        NodeRegistry clusterRegistry(RedisLink link, RedisBus bus, ClusterSettings settings) {
            NodeRegistry registry = registry(link, settings);
            registry.onNodeGone(bus::peerGone);
            return registry;
        }

        @Bean
        HealthIndicator clusterHealthIndicator(ClusterSettings settings, RedisLink link, RedisBus bus) {
            return new ClusterHealthIndicator(settings, link, bus);
        }
    }

    /** Two I/O threads are plenty for two connections; reconnect attempts from 50 ms, doubling up to the setting. */
    static ClientResources clientResources(ClusterSettings settings) {
        return DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(50), settings.reconnectDelayMax(), 2, TimeUnit.MILLISECONDS))
                .build();
    }

    /** A client that fails fast: short command timeouts, commands refused while disconnected and never replayed. */
    static RedisClient redisClient(ClientResources resources, ClusterSettings settings) {
        RedisURI uri = RedisURI.create(settings.redisUrl());
        uri.setTimeout(settings.commandTimeout());
        // CLIENT LIST in Redis then names the node each connection belongs to.
        uri.setClientName("deskframe-" + settings.nodeId());
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                // At most once: a command in flight when the connection drops is not sent again after reconnecting.
                .replayFilter(command -> true)
                .requestQueueSize(65_536)
                .timeoutOptions(TimeoutOptions.enabled(settings.commandTimeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(settings.connectTimeout()).keepAlive(true).build())
                .build());
        return client;
    }

    /** The registry over Redis; the link hears of its failures and tells it when Redis is back. */
    static NodeRegistry registry(RedisLink link, ClusterSettings settings) {
        RedisState state = new RedisState(link, settings);
        NodeRegistry registry = new NodeRegistry(settings.nodeId(), state, settings, true, Clock.systemUTC(), link::reportFailure);
        link.addListener(new RedisLink.Listener() {
            @Override
            public void up(java.time.Instant downSince) {
                if (downSince != null) registry.recovered();
            }
        });
        return registry;
    }

    static final class SingleNode implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return !StringUtils.hasText(context.getEnvironment().getProperty("deskframe.cluster.redis-url"));
        }
    }

    static final class OverRedis implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            return StringUtils.hasText(context.getEnvironment().getProperty("deskframe.cluster.redis-url"));
        }
    }
}
