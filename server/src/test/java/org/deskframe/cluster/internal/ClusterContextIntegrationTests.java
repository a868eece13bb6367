package org.deskframe.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PrincipalFanout;
import org.deskframe.cluster.PrincipalKey;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.registry.HealthContributorRegistry;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

/**
 * The module's configuration in a small Spring context of its own (no server): which implementations the settings
 * choose, the health contributor named {@code cluster}, and connections that the container opens and closes.
 */
class ClusterContextIntegrationTests {

    final ApplicationContextRunner context = new ApplicationContextRunner()
            .withUserConfiguration(ClusterConfiguration.class)
            .withConfiguration(AutoConfigurations.of(HealthContributorRegistryAutoConfiguration.class));

    @Test
    void withoutARedisUrlTheNodeIsASingleNodeInMemoryAndHealthy() {
        context.withPropertyValues("deskframe.cluster.redis-url=").run(c -> {
            assertThat(c).hasSingleBean(ClusterBus.class).hasSingleBean(Presence.class).hasSingleBean(ClusterLimits.class)
                    .hasSingleBean(ClusterControl.class).hasSingleBean(PrincipalFanout.class).doesNotHaveBean(RedisLink.class);
            assertThat(c.getBean(ClusterBus.class)).isInstanceOf(MemoryBus.class);
            HealthIndicator cluster = (HealthIndicator) c.getBean(HealthContributorRegistry.class).getContributor("cluster");
            assertThat(cluster.health().getStatus().getCode()).isEqualTo("UP");
            assertThat(cluster.health().getDetails()).containsEntry("mode", "single node (in memory)");
            assertThat(c.getBean(ClusterSettings.class).nodeId()).isNotBlank();

            Presence presence = c.getBean(Presence.class);
            presence.register(PrincipalKey.agent("a1"), "s1");
            assertThat(presence.nodesOf(PrincipalKey.agent("a1"))).containsExactly(c.getBean(ClusterSettings.class).nodeId());
            assertThat(c.getBean(ClusterBus.class).publish(new TestMessages.Other("nobody else"))).isTrue();
        });
    }

    @Test
    void withARedisUrlTheNodeJoinsOverRedisAndLeavesWhenTheContextCloses() {
        try (RedisKeys keys = new RedisKeys(ClusterRedisIntegrationTests.URL)) {
            context.withPropertyValues("deskframe.cluster.redis-url=" + ClusterRedisIntegrationTests.URL,
                    "deskframe.cluster.namespace=" + keys.namespace, "deskframe.cluster.node-id=ctx-1",
                    "deskframe.cluster.presence-ttl=3s").run(c -> {
                assertThat(c.getBean(ClusterBus.class)).isInstanceOf(RedisBus.class);
                assertThat(c.getBean(ClusterSettings.class).presenceTtl()).isEqualTo(Duration.ofSeconds(3));
                HealthIndicator cluster = (HealthIndicator) c.getBean(HealthContributorRegistry.class).getContributor("cluster");
                assertThat(cluster.health().getStatus().getCode()).isEqualTo("UP");
                assertThat(cluster.health().getDetails()).containsEntry("mode", "redis").containsEntry("node", "ctx-1")
                        .containsEntry("namespace", keys.namespace).containsEntry("redis", "127.0.0.1:6379");

                try (TestNode other = TestNode.overRedis(ClusterRedisIntegrationTests.URL, keys.namespace, "other", Duration.ofSeconds(3))) {
                    List<String> got = new CopyOnWriteArrayList<>();
                    other.bus.subscribe(TestMessages.Other.class, m -> got.add(m.text()));
                    c.getBean(Presence.class).register(PrincipalKey.agent("a1"), "s1");
                    c.getBean(ClusterBus.class).publish(new TestMessages.Other("from the context"));
                    await().atMost(Duration.ofSeconds(2)).until(() -> got.contains("from the context")
                            && other.presence.nodesOf(PrincipalKey.agent("a1")).contains("ctx-1"));
                }
                assertThat(keys.redis().zscore(keys.prefix() + "nodes", "ctx-1")).isNotNull();
                assertThat(keys.redis().clientList().lines().filter(l -> l.contains("name=deskframe-ctx-1 ")))
                        .as("a command connection and a subscribed one").hasSize(2).anyMatch(l -> l.contains(" sub=2 "));
            });
            assertThat(keys.redis().zscore(keys.prefix() + "nodes", "ctx-1")).as("left on close").isNull();
            assertThat(keys.redis().hkeys(keys.prefix() + "presence:agent:a1")).isEmpty();
            await().atMost(Duration.ofSeconds(2)).until(() -> !keys.redis().clientList().contains("name=deskframe-ctx-1 "));
        }
    }
}
