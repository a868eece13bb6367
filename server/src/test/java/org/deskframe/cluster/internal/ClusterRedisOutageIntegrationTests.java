package org.deskframe.cluster.internal;

import org.deskframe.testing.PrivateRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.health.contributor.Health;

/**
 * Redis lost and back, for real: two nodes over a redis-server of this test's own, which the test stops in the
 * middle and starts again (empty) on the same port. Nothing is told to the nodes; they notice, degrade and recover
 * by themselves.
 */
class ClusterRedisOutageIntegrationTests {

    static final Duration TTL = Duration.ofSeconds(3);
    static final PrincipalKey AGENT_1 = PrincipalKey.agent("a1");
    static final PrincipalKey AGENT_2 = PrincipalKey.agent("a2");
    static final String SLOTS = "connections:agent:a9";

    PrivateRedis redis;
    TestNode a;
    TestNode b;

    @BeforeEach
    void start() throws Exception {
        redis = new PrivateRedis();
        redis.start();
        a = TestNode.overRedis(redis.url(), "outage", "a", TTL);
        b = TestNode.overRedis(redis.url(), "outage", "b", TTL);
    }

    @AfterEach
    void stop() throws Exception {
        if (a != null) a.close();
        if (b != null) b.close();
        redis.close();
    }

    @Test
    void whenRedisGoesAwayNodesDegradeClearlyAndWhenItReturnsTheyRecoverByThemselves() throws Exception {
        List<Integer> onB = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> onB.add(m.n()));
        ClusterMemoryTests.RecordingListener controlOnB = new ClusterMemoryTests.RecordingListener();
        b.control.listen(controlOnB);

        a.presence.register(AGENT_1, "s1");
        b.presence.register(AGENT_2, "s2");
        assertThat(a.limits.tryAcquire(SLOTS, "a-1", 2).granted()).isTrue();
        assertThat(b.limits.tryAcquire(SLOTS, "b-1", 2).granted()).isTrue();
        assertThat(a.limits.tryAcquire(SLOTS, "a-2", 2).granted()).isFalse();
        await().atMost(Duration.ofSeconds(2)).until(() -> a.presence.isPresent(AGENT_2) && b.presence.isPresent(AGENT_1));
        assertThat(a.up()).isTrue();
        assertThat(a.bus.publish(new TestMessages.Numbered("a", 1))).isTrue();
        await().atMost(Duration.ofSeconds(2)).until(() -> onB.contains(1));

        Instant stopped = Instant.now();
        redis.stop();

        // Degraded, and saying so.
        await().atMost(Duration.ofSeconds(3)).until(() -> !a.up() && !b.up());
        Health health = a.health.health();
        assertThat(health.getStatus().getCode()).isEqualTo("DOWN");
        assertThat(health.getDetails()).containsEntry("mode", "redis").containsEntry("redis", "127.0.0.1:" + redis.port)
                .containsKey("reason").containsKey("since");
        assertThat((String) health.getDetails().get("reason")).startsWith("Redis unreachable");

        // A publish fails fast: refused at once, without waiting for any timeout.
        long t0 = System.nanoTime();
        assertThat(a.bus.publish(new TestMessages.Numbered("a", 2))).isFalse();
        assertThat(a.fanout.deliver(List.of(AGENT_2), "{}", "MESSAGING_READ")).isFalse();
        long publishMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(publishMillis).as("refused publishes return at once").isLessThan(a.settings.commandTimeout().toMillis());
        assertThat(a.bus.counters().get("publishRefused")).isEqualTo(2L);

        // Presence and limits answer from this node alone, at once, and say so.
        t0 = System.nanoTime();
        PresenceView alone = a.presence.lookup(AGENT_1);
        ClusterLimits.Lease perNode = a.limits.tryAcquire(SLOTS, "a-2", 2);
        ClusterLimits.Rate rate = a.limits.tryTake("sends:agent:a1", 10, 20);
        long decideMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(alone).isEqualTo(new PresenceView(AGENT_1, Map.of("a", 1), false));
        assertThat(a.presence.lookup(AGENT_2).present()).as("b's sessions are out of sight").isFalse();
        assertThat(perNode).isEqualTo(new ClusterLimits.Lease(true, 2, false));
        assertThat(b.limits.tryAcquire(SLOTS, "b-2", 2)).isEqualTo(new ClusterLimits.Lease(true, 2, false));
        assertThat(rate.allowed()).isTrue();
        assertThat(rate.clusterWide()).isFalse();
        assertThat(decideMillis).as("no caller waits on a Redis that is known to be down").isLessThan(a.settings.commandTimeout().toMillis());

        // Sessions come and go meanwhile.
        a.presence.register(AGENT_1, "s3");
        b.presence.unregister(AGENT_2, "s2");

        redis.start();

        // Back by itself: health, presence (this Redis lost everything), slots, subscriptions, control's catch-up.
        await().atMost(Duration.ofSeconds(10)).until(() -> a.up() && b.up());
        await().atMost(Duration.ofSeconds(10)).until(() -> b.presence.lookup(AGENT_1).equals(new PresenceView(AGENT_1, Map.of("a", 2), true)));
        assertThat(a.presence.lookup(AGENT_2)).isEqualTo(new PresenceView(AGENT_2, Map.of(), true));
        await().atMost(Duration.ofSeconds(10)).until(() -> {
            ClusterLimits.Lease l = a.limits.tryAcquire(SLOTS, "a-3", 2);
            return l.clusterWide() && !l.granted() && l.held() == 4;
        });
        b.limits.release(SLOTS, "b-1");
        b.limits.release(SLOTS, "b-2");
        a.limits.release(SLOTS, "a-2");
        await().atMost(Duration.ofSeconds(5)).until(() -> a.limits.tryAcquire(SLOTS, "a-3", 2).granted());

        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
            a.bus.publish(new TestMessages.Numbered("a", 3));
            return onB.contains(3);
        });
        await().atMost(Duration.ofSeconds(5)).until(() -> controlOnB.events.stream().anyMatch(e -> e.startsWith("resynchronize")));
        String resync = controlOnB.events.stream().filter(e -> e.startsWith("resynchronize")).findFirst().orElseThrow();
        Instant from = Instant.parse(resync.substring("resynchronize ".length()));
        assertThat(from).isBefore(stopped).isAfter(stopped.minus(BusControl.CLOCK_MARGIN).minusSeconds(3));
        assertThat(onB).doesNotContain(2);
    }

    @Test
    void aNodeThatStartsWhileRedisIsDownServesItsOwnSessionsAndJoinsWhenRedisComes() throws Exception {
        a.close();
        b.close();
        redis.stop();
        a = TestNode.overRedis(redis.url(), "outage", "a", TTL);
        b = null;
        assertThat(a.up()).isFalse();
        a.presence.register(AGENT_1, "s1");
        assertThat(a.limits.tryAcquire(SLOTS, "a-1", 1)).isEqualTo(new ClusterLimits.Lease(true, 1, false));

        redis.start();
        await().atMost(Duration.ofSeconds(10)).until(a::up);
        b = TestNode.overRedis(redis.url(), "outage", "b", TTL);
        await().atMost(Duration.ofSeconds(10)).until(() -> b.presence.lookup(AGENT_1).equals(new PresenceView(AGENT_1, Map.of("a", 1), true)));
        assertThat(b.limits.tryAcquire(SLOTS, "b-1", 1)).isEqualTo(new ClusterLimits.Lease(false, 1, true));
    }

    @Test
    void aBroadcastRefusedWhileOneNodesLinkIsCutIsNoticedByTheOthersOnceItIsBackThoughNothingFollowsIt() throws Exception {
        try (org.deskframe.testing.FaultyTcpProxy link = new org.deskframe.testing.FaultyTcpProxy(redis.port)) {
            TestNode c = TestNode.overRedis("redis://127.0.0.1:" + link.port(), "outage", "c", TTL);
            try {
                List<Integer> onB = new CopyOnWriteArrayList<>();
                List<Instant> lossesOnB = new CopyOnWriteArrayList<>();
                b.bus.subscribe(TestMessages.Numbered.class, m -> onB.add(m.n()));
                b.bus.onLoss(lossesOnB::add);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                    c.bus.publish(new TestMessages.Numbered("c", 1));
                    return onB.contains(1);
                });
                // Beacons after that first message are over before the cut: only the refused message can leave a gap.
                Thread.sleep(AbstractBus.BEACON_INTERVAL.toMillis() * (AbstractBus.BEACONS_AFTER_LAST_MESSAGE + 1));
                int lossesBefore = lossesOnB.size();

                link.reset();
                await().atMost(Duration.ofSeconds(3)).until(() -> !c.up());
                assertThat(c.bus.publish(new TestMessages.Numbered("c", 2))).as("refused while the link is cut").isFalse();
                link.restore();

                // c publishes nothing more: the gap its refused message left shows from the beacons that follow it.
                await().atMost(Duration.ofSeconds(10)).until(() -> lossesOnB.size() > lossesBefore);
                assertThat(onB).doesNotContain(2);
                assertThat(b.bus.counters().get("gapsSeen")).isPositive();
            } finally {
                c.close();
            }
        }
    }
}
