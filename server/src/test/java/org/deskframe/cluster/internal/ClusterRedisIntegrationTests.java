package org.deskframe.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two or three nodes over the machine's Redis ({@code 127.0.0.1:6379}), each a full set of the Redis implementations
 * with its own connections, in a namespace of this run's own (removed afterwards).
 */
class ClusterRedisIntegrationTests {

    static final String URL = "redis://127.0.0.1:6379";
    static final Duration TTL = Duration.ofMillis(1500);
    static final PrincipalKey AGENT_1 = PrincipalKey.agent("a1");
    static final PrincipalKey AGENT_2 = PrincipalKey.agent("a2");

    static RedisKeys keys;
    final List<TestNode> nodes = new ArrayList<>();

    @BeforeAll
    static void namespace() {
        keys = new RedisKeys(URL);
    }

    @AfterAll
    static void removeKeys() {
        keys.close();
    }

    TestNode node(String id) {
        TestNode n = TestNode.overRedis(URL, keys.namespace, id, TTL);
        nodes.add(n);
        assertThat(n.up()).as("node %s connected at start", id).isTrue();
        return n;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void aPublishReachesEveryOtherNodeInPublishOrderAndNeverThePublisher() throws Exception {
        TestNode a = node("a"), b = node("b"), c = node("c");
        Map<String, List<String>> got = new ConcurrentHashMap<>();
        for (TestNode n : List.of(a, b, c)) {
            n.bus.subscribe(TestMessages.Numbered.class, m -> got.computeIfAbsent(n.id(), k -> new CopyOnWriteArrayList<>()).add(m.from() + m.n()));
        }
        // Two publishers at once, from several threads each: each one's order is kept on every receiver.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        List<Future<?>> publishing = new ArrayList<>();
        for (TestNode publisher : List.of(a, b)) {
            publishing.add(pool.submit(() -> {
                for (int i = 1; i <= 2000; i++) assertThat(publisher.bus.publish(new TestMessages.Numbered(publisher.id(), i))).isTrue();
            }));
        }
        for (Future<?> f : publishing) f.get();
        pool.shutdown();

        await().atMost(Duration.ofSeconds(10)).until(() -> got.getOrDefault("c", List.of()).size() == 4000
                && got.getOrDefault("a", List.of()).size() == 2000 && got.getOrDefault("b", List.of()).size() == 2000);
        List<String> fromA = IntStream.rangeClosed(1, 2000).mapToObj(i -> "a" + i).toList();
        List<String> fromB = IntStream.rangeClosed(1, 2000).mapToObj(i -> "b" + i).toList();
        assertThat(got.get("c").stream().filter(s -> s.startsWith("a")).toList()).isEqualTo(fromA);
        assertThat(got.get("c").stream().filter(s -> s.startsWith("b")).toList()).isEqualTo(fromB);
        assertThat(got.get("b")).isEqualTo(fromA);
        assertThat(got.get("a")).isEqualTo(fromB);
        assertThat(c.bus.counters()).containsEntry("duplicatesDropped", 0L).containsEntry("gapsSeen", 0L);
    }

    @Test
    void aMessageSentToOneNodeReachesOnlyThatNode() {
        TestNode a = node("a"), b = node("b"), c = node("c");
        List<String> got = new CopyOnWriteArrayList<>();
        for (TestNode n : List.of(a, b, c)) n.bus.subscribe(TestMessages.Other.class, m -> got.add(n.id() + ":" + m.text()));
        assertThat(a.bus.send("b", new TestMessages.Other("one"))).isTrue();
        assertThat(a.bus.send("b", new TestMessages.Other("two"))).isTrue();
        assertThat(a.bus.publish(new TestMessages.Other("all"))).isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
        assertThat(got).containsExactlyInAnyOrder("b:one", "b:two", "b:all", "c:all");
        assertThat(got.indexOf("b:one")).isLessThan(got.indexOf("b:two"));
    }

    @Test
    void aTypeTheReceiverDoesNotKnowIsIgnoredAndLaterMessagesStillArrive() {
        TestNode a = node("a"), b = node("b");
        List<String> got = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> got.add("n" + m.n()));
        a.bus.publish(new TestMessages.Other("b never subscribed to this type"));
        keys.redis().publish(keys.prefix() + "bus", EnvelopeCodec.envelope("from.a.newer.version", "z", "e", 1, "{}"));
        a.bus.publish(new TestMessages.Numbered("a", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        assertThat(b.bus.counters().get("unknownTypes")).isEqualTo(2L);
    }

    @Test
    void aDisconnectReachesTheOtherNodeWithinASecond() {
        TestNode a = node("a"), b = node("b");
        ClusterMemoryTests.RecordingListener onA = new ClusterMemoryTests.RecordingListener();
        ClusterMemoryTests.RecordingListener onB = new ClusterMemoryTests.RecordingListener();
        a.control.listen(onA);
        b.control.listen(onB);
        CountDownLatch arrived = new CountDownLatch(2);
        b.control.listen(new ClusterMemoryTests.RecordingListener() {
            @Override
            public void disconnect(PrincipalKey principal, ErrorCode reason) {
                arrived.countDown();
            }

            @Override
            public void tokensRevoked(java.util.Set<String> tokenIds) {
                arrived.countDown();
            }
        });

        long started = System.nanoTime();
        assertThat(a.control.disconnect(AGENT_1, ErrorCode.AGENT_DISABLED)).isTrue();
        assertThat(a.control.tokensRevoked(List.of("jti-1"))).isTrue();
        await().atMost(Duration.ofSeconds(1)).until(() -> arrived.getCount() == 0);
        long tookMillis = (System.nanoTime() - started) / 1_000_000;

        assertThat(tookMillis).as("control reaches the other node within a second").isLessThan(1000);
        assertThat(onB.events).containsExactly("disconnect agent:a1 AGENT_DISABLED", "revoked [jti-1]");
        await().atMost(Duration.ofSeconds(1)).until(() -> onA.events.size() == 2);
        assertThat(onA.events).containsExactly("disconnect agent:a1 AGENT_DISABLED", "revoked [jti-1]");
    }

    @Test
    void aFrameReachesTheLocalSessionsOfTheOtherNodes() {
        TestNode a = node("a"), b = node("b");
        List<String> onB = new CopyOnWriteArrayList<>();
        b.fanout.onFrame((principals, frame, audience) -> onB.add(principals + " " + frame + " " + audience));
        a.fanout.deliver(List.of(AGENT_2), "{\"op\":\"receipt\"}", "MESSAGING_READ");
        await().atMost(Duration.ofSeconds(2)).until(() -> onB.size() == 1);
        assertThat(onB).containsExactly("[agent:a2] {\"op\":\"receipt\"} MESSAGING_READ");
    }

    @Test
    void presenceShowsEveryNodesSessionsAndAKilledNodesDisappearByItself() {
        TestNode a = node("a"), b = node("b");
        a.presence.register(AGENT_1, "s1");
        b.presence.register(AGENT_1, "s2");
        b.presence.register(AGENT_1, "s3");
        b.presence.register(AGENT_2, "s4");
        await().atMost(Duration.ofSeconds(2)).until(() -> a.presence.lookup(AGENT_1).sessionsByNode().equals(Map.of("a", 1, "b", 2)));
        assertThat(a.presence.lookup(AGENT_1).clusterWide()).isTrue();
        assertThat(a.presence.lookup(List.of(AGENT_1, AGENT_2, PrincipalKey.guest("nobody"))))
                .extractingFromEntries(e -> e.getValue().sessionsByNode())
                .containsExactly(Map.of("a", 1, "b", 2), Map.of("b", 1), Map.of());

        b.presence.unregister(AGENT_2, "s4");
        await().atMost(Duration.ofSeconds(2)).until(() -> !a.presence.isPresent(AGENT_2));

        b.crash();
        await().atMost(TTL.multipliedBy(3)).until(() -> a.presence.lookup(AGENT_1).sessionsByNode().equals(Map.of("a", 1)));
        // ... and a's heartbeat sweeps what b left behind.
        await().atMost(TTL.multipliedBy(3)).until(() -> !keys.redis().exists(keys.prefix() + "node:b:keys").equals(1L)
                && keys.redis().zscore(keys.prefix() + "nodes", "b") == null);
        assertThat(keys.redis().hkeys(keys.prefix() + "presence:" + AGENT_1.value())).containsExactly("a/s1");
    }

    @Test
    void theLeaseLimitHoldsAcrossTwoNodesUnderConcurrentAcquires() throws Exception {
        TestNode a = node("a"), b = node("b");
        ExecutorService pool = Executors.newFixedThreadPool(20);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<ClusterLimits.Lease>> results = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestNode n = i % 2 == 0 ? a : b;
            String holder = "session-" + i;
            results.add(pool.submit(() -> {
                start.await();
                return n.limits.tryAcquire("connections:agent:a1", holder, 10);
            }));
        }
        start.countDown();
        int granted = 0;
        for (Future<ClusterLimits.Lease> f : results) {
            ClusterLimits.Lease lease = f.get();
            assertThat(lease.clusterWide()).isTrue();
            if (lease.granted()) granted++;
        }
        pool.shutdown();
        assertThat(granted).isEqualTo(10);
        assertThat(keys.redis().hlen(keys.prefix() + "lease:connections:agent:a1")).isEqualTo(10L);
    }

    @Test
    void theSlotsOfAKilledNodeExpireWithItsHeartbeat() {
        TestNode a = node("a"), b = node("b");
        for (int i = 0; i < 3; i++) assertThat(b.limits.tryAcquire("connections:agent:a1", "b-" + i, 3).granted()).isTrue();
        assertThat(a.limits.tryAcquire("connections:agent:a1", "a-0", 3).granted()).isFalse();
        b.limits.release("connections:agent:a1", "b-0");
        await().atMost(Duration.ofSeconds(2)).until(() -> a.limits.tryAcquire("connections:agent:a1", "a-0", 3).granted());
        assertThat(a.limits.tryAcquire("connections:agent:a1", "a-1", 3).granted()).isFalse();

        b.crash();
        await().atMost(TTL.multipliedBy(3)).until(() -> a.limits.tryAcquire("connections:agent:a1", "a-1", 3).granted());
        assertThat(a.limits.tryAcquire("connections:agent:a1", "a-2", 3)).isEqualTo(new ClusterLimits.Lease(true, 3, true));
    }

    @Test
    void aTokenBucketIsSharedByTheNodesAndExpiresOnceFull() {
        TestNode a = node("a"), b = node("b");
        for (int i = 0; i < 3; i++) assertThat(a.limits.tryTake("sends:agent:a1", 0.5, 5).allowed()).isTrue();
        for (int i = 0; i < 2; i++) assertThat(b.limits.tryTake("sends:agent:a1", 0.5, 5).allowed()).isTrue();
        ClusterLimits.Rate refused = a.limits.tryTake("sends:agent:a1", 0.5, 5);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.clusterWide()).isTrue();
        assertThat(refused.retryAfter()).isBetween(Duration.ofMillis(1000), Duration.ofMillis(2000));
        assertThat(refused.retryAfterSeconds()).isBetween(1L, 2L);
        Long ttl = keys.redis().pttl(keys.prefix() + "bucket:sends:agent:a1");
        assertThat(ttl).as("the bucket's key lives until it would be full, plus a second").isBetween(5_000L, 11_000L);
    }

    @Test
    void failureRecordsAreSharedByTheNodes() {
        TestNode a = node("a"), b = node("b");
        Duration hour = Duration.ofHours(1);
        for (int i = 0; i < 3; i++) a.limits.recordFailure("login:alice", hour, 2);
        ClusterLimits.Failures seen = b.limits.recordFailure("login:alice", hour, 2);
        assertThat(seen.consecutive()).isEqualTo(4);
        assertThat(seen.inWindow()).isEqualTo(2);
        assertThat(seen.sinceLatest()).isLessThan(Duration.ofSeconds(1));
        b.limits.recordSuccess("login:alice");
        assertThat(a.limits.failures("login:alice", hour).consecutive()).isZero();
        assertThat(a.limits.failures("login:alice", hour).inWindow()).isEqualTo(2);
        assertThat(keys.redis().pttl(keys.prefix() + "failures:login:alice")).isBetween(3_000_000L, 3_600_000L);
        assertThat(a.limits.failures("login:bob", hour)).isEqualTo(new ClusterLimits.Failures(0, 0, Duration.ZERO, Duration.ZERO, true));
    }

    @Test
    void aNodeThatShutsDownRemovesItsEntriesAtOnce() {
        TestNode a = node("a"), b = node("b");
        b.presence.register(AGENT_1, "s1");
        b.limits.tryAcquire("k", "s1", 1);
        await().atMost(Duration.ofSeconds(2)).until(() -> a.presence.isPresent(AGENT_1));
        b.close();
        assertThat(a.presence.isPresent(AGENT_1)).isFalse();
        assertThat(a.limits.tryAcquire("k", "s2", 1).granted()).isTrue();
        assertThat(keys.redis().zscore(keys.prefix() + "nodes", "b")).isNull();
    }
}
