package org.deskframe.cluster.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.deskframe.cluster.ClusterControl;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.testing.MutableClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The in-memory implementations, several nodes on one hub, with a clock the tests move. */
class ClusterMemoryTests {

    static final Duration TTL = Duration.ofSeconds(30);
    static final PrincipalKey AGENT_1 = PrincipalKey.agent("a1");
    static final PrincipalKey AGENT_2 = PrincipalKey.agent("a2");

    final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T12:00:00Z"));
    final MemoryHub hub = new MemoryHub(clock, 1000);
    final List<TestNode> nodes = new ArrayList<>();

    TestNode node(String id) {
        TestNode n = TestNode.inMemory(hub, id, TTL, clock);
        nodes.add(n);
        return n;
    }

    @AfterEach
    void closeNodes() {
        nodes.forEach(TestNode::close);
    }

    @Test
    void aPublishReachesEveryOtherNodeInPublishOrderAndNeverThePublisher() {
        TestNode a = node("a"), b = node("b"), c = node("c");
        Map<String, List<Integer>> got = new ConcurrentHashMap<>();
        for (TestNode n : List.of(a, b, c)) {
            n.bus.subscribe(TestMessages.Numbered.class, m -> got.computeIfAbsent(n.id(), k -> new CopyOnWriteArrayList<>()).add(m.n()));
        }
        for (int i = 1; i <= 1000; i++) assertThat(a.bus.publish(new TestMessages.Numbered("a", i))).isTrue();

        List<Integer> expected = java.util.stream.IntStream.rangeClosed(1, 1000).boxed().toList();
        await().atMost(Duration.ofSeconds(5)).until(() -> got.getOrDefault("b", List.of()).size() == 1000
                && got.getOrDefault("c", List.of()).size() == 1000);
        assertThat(got.get("b")).isEqualTo(expected);
        assertThat(got.get("c")).isEqualTo(expected);
        assertThat(got).doesNotContainKey("a");
    }

    @Test
    void aMessageSentToOneNodeReachesOnlyThatNodeAndASendToItselfIsDeliveredHere() {
        TestNode a = node("a"), b = node("b"), c = node("c");
        List<String> got = new CopyOnWriteArrayList<>();
        for (TestNode n : List.of(a, b, c)) n.bus.subscribe(TestMessages.Other.class, m -> got.add(n.id() + ":" + m.text()));

        a.bus.send("b", new TestMessages.Other("for b"));
        a.bus.send("a", new TestMessages.Other("for a"));
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
        assertThat(got).containsExactlyInAnyOrder("b:for b", "a:for a");
    }

    @Test
    void aTypeWithoutAWireNameIsRefusedBeforeAnythingIsSent() {
        TestNode a = node("a");
        assertThatThrownBy(() -> a.bus.publish(new TestMessages.Unnamed("x")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("@ClusterMessage.Name");
        assertThat(a.bus.counters()).containsEntry("published", 0L);
    }

    @Test
    void unknownTypesUnreadableMessagesAndFailingHandlersAreIgnoredAndDeliveryGoesOn() {
        TestNode a = node("a"), b = node("b");
        List<Integer> got = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> {
            if (m.n() == 2) throw new IllegalStateException("a handler that fails");
            got.add(m.n());
        });
        b.bus.subscribe(TestMessages.Numbered.class, m -> got.add(-m.n()));
        a.bus.publish(new TestMessages.Numbered("a", 1));
        hub.inboundOf("b").offer(Dispatcher.Stream.ALL, "{\"type\":\"from.a.newer.version\",\"node\":\"z\",\"epoch\":\"e\",\"seq\":1,\"body\":{}}");
        hub.inboundOf("b").offer(Dispatcher.Stream.ALL, "{\"type\":\"from.a.newer.version\",\"node\":\"z\",\"epoch\":\"e\",\"seq\":2,\"body\":{}}");
        hub.inboundOf("b").offer(Dispatcher.Stream.ALL, "not json");
        a.bus.publish(new TestMessages.Numbered("a", 2));
        a.bus.publish(new TestMessages.Numbered("a", 3));

        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 5);
        assertThat(got).containsExactly(1, -1, -2, 3, -3);
        assertThat(b.bus.counters()).containsEntry("unknownTypes", 2L).containsEntry("unreadable", 1L);
    }

    @Test
    void theLossOfAPublishersLastBroadcastIsNoticedFromItsBeaconThoughNothingFollowsIt() {
        TestNode a = node("a"), b = node("b");
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Instant> losses = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> got.add(m.n()));
        b.bus.onLoss(losses::add);
        a.bus.publish(new TestMessages.Numbered("a", 1));
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);

        // The next broadcast is lost on the way to b (b is cut off while it is sent), and a then falls quiet.
        Dispatcher inbound = hub.inboundOf("b");
        hub.detach("b");
        a.bus.publish(new TestMessages.Numbered("a", 2));
        hub.attach("b", inbound);

        await().atMost(Duration.ofSeconds(5)).until(() -> losses.size() == 1);
        assertThat(got).containsExactly(1);
        assertThat(b.bus.counters()).containsEntry("gapsSeen", 1L);
    }

    @Test
    void aPublisherSendsNoBeaconsOnceQuietNorBeforeItsFirstMessage() throws InterruptedException {
        TestNode a = node("a"), b = node("b");
        b.bus.subscribe(TestMessages.Numbered.class, m -> { });
        Thread.sleep(AbstractBus.BEACON_INTERVAL.toMillis() * 2 + 300);
        assertThat(b.bus.counters()).containsEntry("received", 0L);
        a.bus.publish(new TestMessages.Numbered("a", 1));
        await().atMost(Duration.ofSeconds(10)).until(() -> b.bus.counters().get("received") == 1 + AbstractBus.BEACONS_AFTER_LAST_MESSAGE);
        Thread.sleep(AbstractBus.BEACON_INTERVAL.toMillis() * 2 + 300);
        assertThat(b.bus.counters()).containsEntry("received", 1L + AbstractBus.BEACONS_AFTER_LAST_MESSAGE);
    }

    @Test
    void duplicatesAreDroppedAndAGapInAPublishersSequenceIsReportedAsALoss() {
        TestNode b = node("b");
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Instant> losses = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> got.add(m.n()));
        b.bus.onLoss(losses::add);
        for (int seq : new int[] {1, 2, 2, 1, 5, 6}) {
            hub.inboundOf("b").offer(Dispatcher.Stream.ALL, EnvelopeCodec.envelope("test.numbered", "x", "epoch1", seq,
                    "{\"from\":\"x\",\"n\":" + seq + "}"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4);
        assertThat(got).containsExactly(1, 2, 5, 6);
        assertThat(b.bus.counters()).containsEntry("duplicatesDropped", 2L).containsEntry("gapsSeen", 1L);
        await().atMost(Duration.ofSeconds(5)).until(() -> losses.size() == 1);
    }

    @Test
    void aRestartedPublisherStartsItsSequenceAgainAndItsReturnCountsAsALoss() {
        TestNode b = node("b");
        List<Integer> got = new CopyOnWriteArrayList<>();
        List<Instant> losses = new CopyOnWriteArrayList<>();
        b.bus.subscribe(TestMessages.Numbered.class, m -> got.add(m.n()));
        b.bus.onLoss(losses::add);
        for (int seq = 1; seq <= 3; seq++) {
            hub.inboundOf("b").offer(Dispatcher.Stream.ALL, EnvelopeCodec.envelope("test.numbered", "x", "epoch1", seq,
                    "{\"from\":\"x\",\"n\":" + seq + "}"));
        }
        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        assertThat(losses).isEmpty();

        // Killed after deciding something it never sent, then started again: a new epoch, its sequence from 1.
        hub.inboundOf("b").offer(Dispatcher.Stream.ALL, EnvelopeCodec.envelope("test.numbered", "x", "epoch2", 1, "{\"from\":\"x\",\"n\":100}"));

        await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 4 && losses.size() == 1);
        assertThat(got).containsExactly(1, 2, 3, 100);
        assertThat(b.bus.counters()).containsEntry("duplicatesDropped", 0L).containsEntry("gapsSeen", 1L);
    }

    @Test
    void controlReachesTheListenersOfThisNodeAndOfEveryOtherNode() {
        TestNode a = node("a"), b = node("b");
        RecordingListener onA = new RecordingListener(), onB = new RecordingListener();
        a.control.listen(onA);
        b.control.listen(onB);

        assertThat(a.control.disconnect(AGENT_1, ErrorCode.AGENT_DISABLED)).isTrue();
        assertThat(a.control.tokensRevoked(List.of("jti-1", "jti-2"))).isTrue();
        assertThat(a.control.accessChanged()).isTrue();

        for (RecordingListener l : List.of(onA, onB)) {
            await().atMost(Duration.ofSeconds(1)).until(() -> l.events.size() == 3);
            assertThat(l.events).containsExactly("disconnect agent:a1 AGENT_DISABLED", "revoked [jti-1, jti-2]", "access changed");
        }
    }

    @Test
    void aDisconnectReasonThisNodeDoesNotKnowArrivesAsServerRestarting() {
        TestNode a = node("a"), b = node("b");
        RecordingListener onB = new RecordingListener();
        b.control.listen(onB);
        a.bus.publish(new ControlMessages.DisconnectRequested("agent:a1", "A_CODE_FROM_A_NEWER_VERSION"));
        await().atMost(Duration.ofSeconds(1)).until(() -> onB.events.size() == 1);
        assertThat(onB.events).containsExactly("disconnect agent:a1 SERVER_RESTARTING");
    }

    @Test
    void aLossTellsControlListenersToResynchronizeFromSecondsBeforeIt() {
        TestNode b = node("b");
        RecordingListener onB = new RecordingListener();
        b.control.listen(onB);
        Instant lost = Instant.parse("2026-12-01T11:59:00Z");
        b.bus.dispatcher.reportLoss(lost);
        await().atMost(Duration.ofSeconds(1)).until(() -> onB.events.size() == 1);
        assertThat(onB.events).containsExactly("resynchronize " + lost.minus(BusControl.CLOCK_MARGIN));
    }

    @Test
    void aFrameReachesTheLocalSessionsOfEveryOtherNode() {
        TestNode a = node("a"), b = node("b");
        List<String> onA = new CopyOnWriteArrayList<>(), onB = new CopyOnWriteArrayList<>();
        a.fanout.onFrame((principals, frame, audience) -> onA.add(principals + " " + frame + " " + audience));
        b.fanout.onFrame((principals, frame, audience) -> onB.add(principals + " " + frame + " " + audience));
        assertThat(a.fanout.deliver(List.of(AGENT_1, AGENT_2, AGENT_1), "{\"op\":\"typing\"}", "MESSAGING_READ")).isTrue();
        await().atMost(Duration.ofSeconds(1)).until(() -> onB.size() == 1);
        assertThat(onB).containsExactly("[agent:a1, agent:a2] {\"op\":\"typing\"} MESSAGING_READ");
        assertThat(onA).isEmpty();
    }

    @Test
    void presenceShowsEveryNodesSessionsAndANodeThatStopsTouchingDisappears() {
        TestNode a = node("a"), b = node("b");
        a.presence.register(AGENT_1, "s1");
        b.presence.register(AGENT_1, "s2");
        b.presence.register(AGENT_1, "s3");
        b.presence.register(AGENT_1, "s3");
        b.presence.register(AGENT_2, "s4");

        assertThat(a.presence.lookup(AGENT_1).sessionsByNode()).isEqualTo(Map.of("a", 1, "b", 2));
        assertThat(a.presence.lookup(AGENT_1).clusterWide()).isTrue();
        assertThat(a.presence.nodesOf(AGENT_2)).containsExactly("b");
        assertThat(b.presence.sessionCount(AGENT_1)).isEqualTo(3);
        assertThat(a.presence.lookup(List.of(AGENT_1, AGENT_2, PrincipalKey.guest("g1"))))
                .extractingFromEntries(e -> e.getValue().sessions()).containsExactly(3, 1, 0);

        b.presence.unregister(AGENT_2, "s4");
        b.presence.unregister(AGENT_2, "unknown");
        assertThat(a.presence.isPresent(AGENT_2)).isFalse();

        b.registry.halt();
        clock.advance(TTL.plusSeconds(1));
        a.registry.beatNow();
        assertThat(a.presence.lookup(AGENT_1).sessionsByNode()).isEqualTo(Map.of("a", 1));
        assertThat(hub.presence(AGENT_1)).isEqualTo(Map.of("a", 1));
    }

    @Test
    void aNodeSweptAsDeadRegistersItsSessionsAndSlotsAgainAtItsNextHeartbeat() {
        TestNode a = node("a"), b = node("b");
        b.presence.register(AGENT_1, "s1");
        assertThat(b.limits.tryAcquire("connections:agent:a1", "s1", 1).granted()).isTrue();

        clock.advance(TTL.plusSeconds(1));
        a.registry.beatNow();
        assertThat(a.presence.isPresent(AGENT_1)).isFalse();
        assertThat(a.limits.tryAcquire("connections:agent:a1", "s9", 1).granted()).isTrue();
        a.limits.release("connections:agent:a1", "s9");

        b.registry.beatNow();
        assertThat(a.presence.lookup(AGENT_1).sessionsByNode()).isEqualTo(Map.of("b", 1));
        assertThat(a.limits.tryAcquire("connections:agent:a1", "s9", 1).granted()).isFalse();
    }

    @Test
    void theLeaseLimitHoldsAcrossNodesUnderConcurrentAcquires() throws Exception {
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
        for (Future<ClusterLimits.Lease> f : results) if (f.get().granted()) granted++;
        pool.shutdown();
        assertThat(granted).isEqualTo(10);

        ClusterLimits.Lease again = a.limits.tryAcquire("connections:agent:a1", "someone-else", 10);
        assertThat(again).isEqualTo(new ClusterLimits.Lease(false, 10, true));
    }

    @Test
    void aHolderAcquiringAgainKeepsItsOneSlotAndAReleaseFreesIt() {
        TestNode a = node("a"), b = node("b");
        assertThat(a.limits.tryAcquire("k", "h1", 2)).isEqualTo(new ClusterLimits.Lease(true, 1, true));
        assertThat(a.limits.tryAcquire("k", "h1", 2)).isEqualTo(new ClusterLimits.Lease(true, 1, true));
        assertThat(b.limits.tryAcquire("k", "h2", 2)).isEqualTo(new ClusterLimits.Lease(true, 2, true));
        assertThat(b.limits.tryAcquire("k", "h3", 2).granted()).isFalse();
        a.limits.release("k", "h1");
        a.limits.release("k", "not-a-holder");
        assertThat(b.limits.tryAcquire("k", "h3", 2)).isEqualTo(new ClusterLimits.Lease(true, 2, true));
    }

    @Test
    void theSlotsOfADeadNodeStopCountingOnceItsLivenessRunsOut() {
        TestNode a = node("a"), b = node("b");
        for (int i = 0; i < 10; i++) assertThat(b.limits.tryAcquire("connections:agent:a1", "b-" + i, 10).granted()).isTrue();
        assertThat(a.limits.tryAcquire("connections:agent:a1", "a-0", 10).granted()).isFalse();

        b.registry.halt();
        clock.advance(TTL.plusSeconds(1));
        a.registry.beatNow();
        assertThat(a.limits.tryAcquire("connections:agent:a1", "a-0", 10)).isEqualTo(new ClusterLimits.Lease(true, 1, true));
    }

    @Test
    void aTokenBucketIsSharedByTheNodes() {
        TestNode a = node("a"), b = node("b");
        for (int i = 0; i < 3; i++) assertThat(a.limits.tryTake("sends:agent:a1", 1, 5).allowed()).isTrue();
        for (int i = 0; i < 2; i++) assertThat(b.limits.tryTake("sends:agent:a1", 1, 5).allowed()).isTrue();
        ClusterLimits.Rate refused = a.limits.tryTake("sends:agent:a1", 1, 5);
        assertThat(refused.allowed()).isFalse();
        assertThat(refused.retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refused.retryAfterSeconds()).isEqualTo(1);

        clock.advance(Duration.ofSeconds(1));
        assertThat(b.limits.tryTake("sends:agent:a1", 1, 5).allowed()).isTrue();
        assertThat(b.limits.tryTake("sends:agent:a1", 1, 5).allowed()).isFalse();
    }

    @Test
    void failureRecordsAreSharedAndASuccessRestartsOnlyTheConsecutiveCount() {
        TestNode a = node("a"), b = node("b");
        Duration hour = Duration.ofHours(1);
        a.limits.recordFailure("login:alice", hour, 100);
        clock.advance(Duration.ofSeconds(10));
        b.limits.recordFailure("login:alice", hour, 100);
        clock.advance(Duration.ofSeconds(5));
        assertThat(a.limits.failures("login:alice", hour))
                .isEqualTo(new ClusterLimits.Failures(2, 2, Duration.ofSeconds(15), Duration.ofSeconds(5), true));

        b.limits.recordSuccess("login:alice");
        assertThat(a.limits.failures("login:alice", hour).consecutive()).isZero();
        assertThat(a.limits.failures("login:alice", hour).inWindow()).isEqualTo(2);

        for (int i = 0; i < 5; i++) a.limits.recordFailure("login:alice", hour, 3);
        assertThat(b.limits.failures("login:alice", hour).inWindow()).isEqualTo(3);

        clock.advance(hour.plusSeconds(1));
        assertThat(b.limits.failures("login:alice", hour))
                .isEqualTo(new ClusterLimits.Failures(0, 0, Duration.ZERO, Duration.ZERO, true));
    }

    @Test
    void bucketsAndFailureRecordsInMemoryAreBounded() {
        LocalLimits local = new LocalLimits(100, clock);
        for (int i = 0; i < 1000; i++) {
            local.take("sends:" + i, 10, 20, true);
            local.failures("login:" + i, SharedState.FailureOp.FAIL, Duration.ofHours(1), 10, true);
        }
        assertThat(local.size()).isEqualTo(100);
    }

    @Test
    void aNodeThatLeavesRemovesItsPresenceAndSlotsAtOnce() {
        TestNode a = node("a"), b = node("b");
        b.presence.register(AGENT_1, "s1");
        b.limits.tryAcquire("k", "s1", 1);
        b.close();
        assertThat(a.presence.isPresent(AGENT_1)).isFalse();
        assertThat(a.limits.tryAcquire("k", "s2", 1).granted()).isTrue();
    }

    static class RecordingListener implements ClusterControl.Listener {
        final List<String> events = Collections.synchronizedList(new ArrayList<>());

        @Override
        public void disconnect(PrincipalKey principal, ErrorCode reason) {
            events.add("disconnect " + principal + " " + reason.name());
        }

        @Override
        public void tokensRevoked(Set<String> tokenIds) {
            events.add("revoked " + tokenIds);
        }

        @Override
        public void accessChanged() {
            events.add("access changed");
        }

        @Override
        public void resynchronize(Instant since) {
            events.add("resynchronize " + since);
        }
    }

}
