package org.deskframe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.DeliveryChecker;
import org.deskframe.testing.DeliveryDriver;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.Haproxy;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.PrivateRedis;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite, short version (docs/faults.md; {@code bench/faults/run.sh} runs it longer): three nodes, each a
 * child JVM, over a PostgreSQL schema and a redis-server of the test's own, behind HAProxy. Two agents keep talking
 * through the balancer while the suite SIGKILLs a node (and starts it again), SIGSTOPs the node that holds a session
 * past the heartbeat and the cluster's presence timeout and resumes it, and restarts Redis. Then {@link DeliveryChecker}, which trusts
 * only the clients' logs and the database's rows, must find nothing lost, reused, duplicated or out of order.
 */
class FaultSuiteIntegrationTests {

    static final String RW = "messaging:read messaging:write";
    /** Messages per agent: paced at RATE while the faults go on, the rest as fast as acks come once they are over. */
    static final int EACH = Integer.getInteger("deskframe.faults.messages", 5_000);
    /** Sends per second per agent during the faults; bench/faults/run.sh sets more. */
    static final int RATE = Integer.getInteger("deskframe.faults.rate", 20);

    static PrivateRedis redis;
    static PostgresSchema schema;
    static Haproxy balancer;
    static final List<ServerProcess> nodes = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        redis = new PrivateRedis();
        redis.start();
        schema = PostgresSchema.named("deskframe_faults");
        balancer = new Haproxy();
        List<Haproxy.Node> ports = new ArrayList<>();
        for (int i = 0; i < 3; i++) ports.add(new Haproxy.Node(DeskframeServerTest.freePort(), DeskframeServerTest.freePort()));
        for (Haproxy.Node n : ports) {
            Map<String, Object> p = new LinkedHashMap<>(schema.node(n.httpPort(), balancer.httpPort));
            p.put("deskframe.gateway.port", n.gatewayPort());
            p.put("deskframe.gateway.public-url", balancer.gatewayUrl());
            p.put("deskframe.gateway.max-unauthenticated-per-address", 0);
            p.put("deskframe.gateway.heartbeat", "3s");
            p.put("deskframe.gateway.drain-spread", "0s");
            p.put("deskframe.gateway.sends-per-second-per-agent", 1000);
            p.put("deskframe.gateway.frames-per-second", 1000);
            p.put("spring.datasource.hikari.maximum-pool-size", 5);
            p.put("deskframe.cluster.redis-url", redis.url());
            p.put("deskframe.cluster.namespace", schema.name());
            p.put("deskframe.cluster.presence-ttl", "6s");
            nodes.add(new ServerProcess(Files.createTempDirectory("deskframe-faults"), p).start());
        }
        balancer.start(ports);
    }

    @AfterAll
    static void stop() throws Exception {
        for (ServerProcess n : nodes) n.close();
        if (balancer != null) balancer.close();
        if (redis != null) redis.close();
        if (schema != null) schema.close();
    }

    @Test
    void nothingAcknowledgedIsLostThroughAKilledNodeAPausedNodeAndARedisRestart() throws Exception {
        TestClient http = new TestClient(balancer.base());
        awaitReady(http);
        String conversation;
        try (StreamClient a1 = StreamClient.connect(balancer.base())) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"), "subject", "faults");
            conversation = a1.nextOp("conversation").get("conversation").get("id").asString();
        }
        AtomicInteger acked = new AtomicInteger();
        long began = System.nanoTime();
        var faultsOver = new java.util.concurrent.atomic.AtomicBoolean();
        // Whatever the faults take on a loaded machine, messages flow through all of them.
        java.util.function.IntSupplier paced = () -> faultsOver.get() ? EACH
                : (int) ((System.nanoTime() - began) * RATE / 1_000_000_000L);
        DeliveryDriver one = new DeliveryDriver("agent1", conversation, EACH, 2 * EACH, 21, http, acked, paced, 0);
        DeliveryDriver two = new DeliveryDriver("agent2", conversation, EACH, 2 * EACH, 22, http, acked, paced, 0);
        List<DeliveryDriver> drivers = List.of(one, two);
        Thread t1 = Thread.ofPlatform().name("faults-agent1").start(one);
        Thread t2 = Thread.ofPlatform().name("faults-agent2").start(two);

        Map<String, Long> recoveryMs = new LinkedHashMap<>();
        // Recovery waits block for up to 90 s: never on the common pool, which the JDK's WebSocket client needs to
        // finish an upgrade (on 2 cores that pool has one thread, and a wait there starved every reconnect).
        var waiter = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
        Thread.sleep(2_000);
        // Each node fault strikes a node that holds a session: one that holds none would test nothing. Each time is
        // taken once the fault is in effect (the process gone, or stopped).
        ServerProcess killed = holdingASession();
        killed.kill();
        long at = System.nanoTime();
        recoveryMs.put("SIGKILL a session's node", recovered(drivers, at));
        killed.start();

        ServerProcess paused = holdingASession();
        paused.pause();
        long pausedAt = System.nanoTime();
        var pauseRecovery = java.util.concurrent.CompletableFuture.supplyAsync(() -> recovered(drivers, pausedAt), waiter);
        Thread.sleep(12_000); // past the 6 s presence timeout and twice the 3 s heartbeat
        paused.resume();
        recoveryMs.put("SIGSTOP a session's node for 12 s", pauseRecovery.get());

        redis.stop();
        long redisDown = System.nanoTime();
        var redisRecovery = java.util.concurrent.CompletableFuture.supplyAsync(() -> recovered(drivers, redisDown), waiter);
        Thread.sleep(3_000);
        redis.start();
        recoveryMs.put("Redis down 3 s", redisRecovery.get());
        faultsOver.set(true);

        t1.join(Duration.ofMinutes(4));
        t2.join(Duration.ofMinutes(4));
        for (DeliveryDriver d : drivers) {
            assertThat(d.failure).as(d.agent + " failed").isNull();
            assertThat(d.done()).as(d.agent + ": all its sends acknowledged and every message received (acked %d, last seen %d)",
                    d.ackedIds.size(), d.lastSeen).isTrue();
        }
        DeliveryChecker.Report report = DeliveryChecker.check(PostgresSchema.URL + "?currentSchema=" + schema.name(), "postgres",
                conversation, drivers);
        System.out.printf("fault suite: %s; recovery %s; connections agent1=%d agent2=%d, stalls agent1=%d agent2=%d%n",
                report, recoveryMs, one.connections, two.connections, one.stalls, two.stalls);
        assertThat(report.acknowledged()).isEqualTo(2 * EACH);
        assertThat(report.stored()).isEqualTo(2 * EACH);
        assertThat(report.clean()).as(report.toString()).isTrue();
    }

    /** A node with an established connection on its gateway port, read from the kernel's tables (from outside it). */
    private static ServerProcess holdingASession() {
        ServerProcess holder = await().atMost(Duration.ofSeconds(30)).until(
                () -> nodes.stream().filter(n -> n.gatewayConnections() > 0).findFirst().orElse(null), java.util.Objects::nonNull);
        System.out.printf("fault suite: node %d of gateway connections per node %s%n", nodes.indexOf(holder) + 1,
                nodes.stream().map(ServerProcess::gatewayConnections).toList());
        return holder;
    }

    /**
     * Time from the fault until both agents had an ack for a message sent after it (the conversation flows both ways,
     * paced, all along).
     */
    private static long recovered(List<DeliveryDriver> drivers, long faultAt) {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> drivers.stream().allMatch(d -> d.newestAckedSendAt.get() > faultAt));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder where = new StringBuilder("not recovered within 90 s:");
            for (DeliveryDriver d : drivers) {
                where.append(String.format("%n%s: acked %d, last seen %d, connections %d, stalls %d", d.agent, d.ackedIds.size(),
                        d.lastSeen, d.connections, d.stalls));
                d.failedAttempts.forEach(a -> where.append("\n  failed attempt ").append(a));
            }
            Thread.getAllStackTraces().forEach((t, stack) -> {
                if (t.getName().startsWith("faults-")) {
                    where.append("\n").append(t.getName()).append(':');
                    for (StackTraceElement f : stack) where.append("\n  at ").append(f);
                }
            });
            throw new AssertionError(where.toString(), e);
        }
        return (System.nanoTime() - faultAt) / 1_000_000;
    }

    static void awaitReady(TestClient client) {
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            try {
                return client.get("/actuator/health/readiness", null).status() == 200;
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }
}
