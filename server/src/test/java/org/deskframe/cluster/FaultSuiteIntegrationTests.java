package org.deskframe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.stream.Collectors;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.DeliveryChecker;
import org.deskframe.testing.DeliveryDriver;
import org.deskframe.testing.FaultyTcpProxy;
import org.deskframe.testing.PrivatePostgres;
import org.deskframe.testing.PrivateRedis;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The fault suite, short version (docs/faults.md; {@code bench/faults/run.sh} runs it longer): three nodes, each a
 * child JVM, over a PostgreSQL cluster and a redis-server of the test's own, behind HAProxy; node 2 reaches Redis
 * through a {@link FaultyTcpProxy}, node 3's wall clock runs three minutes ahead (libfaketime). Two agents keep
 * talking through the balancer while the suite SIGKILLs a node that holds a session, SIGSTOPs one past the heartbeat
 * and the cluster's presence timeout, restarts Redis, restarts PostgreSQL, black-holes and then delays node 2's Redis
 * link, and sends both agents' handshakes through tokens the skewed node issued. Then {@link DeliveryChecker}, which
 * trusts only the clients' logs and the database's rows, must find nothing lost, reused, duplicated or out of order,
 * and every error the clients were shown must be the catalogue's.
 */
class FaultSuiteIntegrationTests {

    static final String RW = "messaging:read messaging:write";
    /** Messages per agent: paced at RATE while the faults go on, the rest as fast as acks come once they are over. */
    static final int EACH = Integer.getInteger("deskframe.faults.messages", 5_000);
    /** Sends per second per agent during the faults; bench/faults/run.sh sets more. */
    static final int RATE = Integer.getInteger("deskframe.faults.rate", 20);
    /** How far node 3's wall clock runs ahead (libfaketime's syntax, minutes): far past the 30 s token checks tolerate. */
    static final String SKEW = System.getProperty("deskframe.faults.skew", "+3m");
    static final Duration SKEW_BY = Duration.ofMinutes(Long.parseLong(SKEW.replace("m", "")));

    static PrivatePostgres postgres;
    static FaultyTcpProxy node2Redis;
    static ClusterDeployment<ServerProcess> deployment;
    static List<ServerProcess> nodes;
    static PrivateRedis redis;

    @BeforeAll
    static void start() throws Exception {
        assertThat(ServerProcess.FAKETIME).as("libfaketime (Debian package libfaketime; .ci/run installs it)").exists();
        postgres = new PrivatePostgres().start();
        redis = new PrivateRedis();
        node2Redis = new FaultyTcpProxy(redis.port);
        deployment = ClusterDeployment.of("deskframe_faults", 3).on(postgres).withRedis(redis).behindHaproxy()
                .property("deskframe.gateway.heartbeat", "3s")
                .property("deskframe.gateway.drain-spread", "0s")
                .property("deskframe.gateway.sends-per-second-per-agent", 1000)
                .property("deskframe.gateway.frames-per-second", 1000)
                .property("spring.datasource.hikari.maximum-pool-size", 5)
                // A send waiting for a connection while PostgreSQL restarts gives up (server.internal) rather than hang.
                .property("spring.datasource.hikari.connection-timeout", 5_000)
                .property("deskframe.cluster.presence-ttl", "6s")
                .nodeProperty(1, "deskframe.cluster.redis-url", "redis://127.0.0.1:" + node2Redis.port())
                .nodeEnvironment(2, ServerProcess.clockSkewedBy(SKEW))
                .nodeStartTimeout(2, Duration.ofMinutes(6))
                .alsoClose(node2Redis)
                .childJvms();
        nodes = deployment.nodes();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (deployment != null) deployment.close();
        } finally {
            if (postgres != null) postgres.close();
        }
    }

    @Test
    void nothingAcknowledgedIsLostThroughKilledNodesAndRestartedOrUnreachableEnginesAndASkewedClock() throws Exception {
        String loadBefore = Files.readString(Path.of("/proc/loadavg")).trim();
        TestClient http = deployment.http();
        String conversation = startConversation(http);
        AtomicInteger acked = new AtomicInteger();
        long began = System.nanoTime();
        AtomicBoolean faultsOver = new AtomicBoolean();
        // Whatever the faults take on a loaded machine, messages flow through all of them.
        IntSupplier paced = () -> faultsOver.get() ? EACH : (int) ((System.nanoTime() - began) * RATE / 1_000_000_000L);
        DeliveryDriver one = new DeliveryDriver("agent1", conversation, EACH, 2 * EACH, 21, http, acked, paced, 0);
        DeliveryDriver two = new DeliveryDriver("agent2", conversation, EACH, 2 * EACH, 22, http, acked, paced, 0);
        List<DeliveryDriver> drivers = List.of(one, two);
        Thread t1 = Thread.ofPlatform().name("faults-agent1").start(one);
        Thread t2 = Thread.ofPlatform().name("faults-agent2").start(two);

        Map<String, Long> recoveryMs = new LinkedHashMap<>();
        Thread.sleep(2_000);
        // Each node fault strikes a node that holds a session: one that holds none would test nothing. Each time is
        // taken once the fault is in effect (the process gone, or stopped).
        ServerProcess killed = holdingASession();
        killed.kill();
        long at = System.nanoTime();
        recoveryMs.put("SIGKILL a session's node", recovered(drivers, at));
        killed.start();

        // Past the 6 s presence timeout and twice the 3 s heartbeat.
        ServerProcess paused = holdingASession();
        recoveryMs.put("SIGSTOP a session's node for 12 s", during(drivers, Duration.ofSeconds(12), paused::pause, paused::resume));
        recoveryMs.put("Redis down 3 s", during(drivers, Duration.ofSeconds(3), redis::stop, redis::start));

        // PostgreSQL restarted (fast shutdown: sessions cut, open transactions rolled back) mid-traffic.
        long pgDown = System.nanoTime();
        postgres.restart();
        long pgUp = System.nanoTime();
        long pgRestartMs = (pgUp - pgDown) / 1_000_000;
        // Acks taken while the fast shutdown was still cutting sessions do not count: both must come after the restart.
        recoveryMs.put("PostgreSQL restarted", recovered(drivers, pgDown, d -> d.newestAckedSendAt.get() > pgUp));

        // Node 2 cut from Redis (its link black-holed: connections open, nothing passes), then a slow link, then back.
        recoveryMs.put("node's Redis black-holed 5 s", during(drivers, Duration.ofSeconds(5), node2Redis::blackHole, node2Redis::restore));
        recoveryMs.put("node's Redis delayed 400 ms for 5 s", during(drivers, Duration.ofSeconds(5),
                () -> node2Redis.delay(Duration.ofMillis(400)), node2Redis::restore));

        // Node 3's clock runs ahead. A backend on time is refused there (its assertion looks expired), saying clocks
        // must agree; what node 3 issues (to a backend whose clock agrees with it) is not yet valid on the nodes on time.
        TestClient.Reply onTime = tokenRequest(nodes.get(2).http(), "agent1", java.time.Instant.now());
        assertThat(onTime.status()).as(onTime.body()).isEqualTo(400);
        assertThat(onTime.json().get("code").asString()).as(onTime.body()).isEqualTo("assertion.invalid");
        assertThat(onTime.json().get("hint").asString()).contains("clock");
        String early = skewedToken("agent1");
        TestClient.Reply refused = nodes.get(0).http().get("/api/v2/tokens/me", early);
        assertThat(refused.status()).as(refused.body()).isEqualTo(401);
        assertThat(refused.json().get("code").asString()).isEqualTo("token.not_yet_valid");
        assertThat(refused.json().get("hint").asString()).contains("clock");
        String onTimeToken = tokenRequest(nodes.get(0).http(), "agent1", java.time.Instant.now()).json().get("access_token").asString();
        assertThat(nodes.get(2).http().get("/api/v2/tokens/me", onTimeToken).status())
                .as("a token of a node on time, on the node ahead").isEqualTo(200);
        // Both agents reconnect through the balancer with tokens the skewed node issued: refused (and told why) by the
        // nodes on time, they obtain others, as the 41xx close codes tell clients to.
        long skewPhase = System.nanoTime();
        for (DeliveryDriver d : drivers) d.nextToken = () -> skewedToken(d.agent);
        recoveryMs.put("tokens from a node " + SKEW + " ahead", recovered(drivers, skewPhase,
                d -> d.nextToken == null && d.lastReadyAt.get() > skewPhase && d.newestAckedSendAt.get() > d.lastReadyAt.get()));
        faultsOver.set(true);

        t1.join(Duration.ofMinutes(4));
        t2.join(Duration.ofMinutes(4));
        for (DeliveryDriver d : drivers) {
            assertThat(d.failure).as(d.agent + " failed").isNull();
            assertThat(d.done()).as(d.agent + ": all its sends acknowledged and every message received (acked %d, last seen %d)",
                    d.ackedIds.size(), d.lastSeen).isTrue();
        }
        DeliveryChecker.Report report = DeliveryChecker.check(deployment.schema().jdbcUrl(), "postgres", conversation, drivers);
        Map<String, Integer> errors = new TreeMap<>();
        drivers.forEach(d -> d.errors.forEach((code, n) -> errors.merge(code, n, Integer::sum)));
        System.out.printf("fault suite: %s; recovery %s; PostgreSQL restart took %d ms; errors shown %s; connections agent1=%d"
                        + " agent2=%d, stalls agent1=%d agent2=%d; load %s -> %s%n", report, recoveryMs, pgRestartMs, errors,
                one.connections, two.connections, one.stalls, two.stalls, loadBefore,
                Files.readString(Path.of("/proc/loadavg")).trim());
        assertThat(report.acknowledged()).isEqualTo(2 * EACH);
        assertThat(report.stored()).isEqualTo(2 * EACH);
        assertThat(report.clean()).as(report.toString()).isTrue();
        Set<String> catalogue = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).collect(Collectors.toSet());
        assertThat(errors.keySet()).as("every error a client was shown is the catalogue's").isSubsetOf(catalogue);
    }

    /** The trusted-backend grant at {@code node}, the assertion stamped {@code issuedAt} (the backend's clock). */
    private static TestClient.Reply tokenRequest(TestClient node, String agent, java.time.Instant issuedAt) {
        // The assertion's audience is the region's token endpoint (the balancer's), wherever it is posted.
        String assertion = TestClient.hs256Assertion("demo-backend", "demo-backend" + TestClient.DEMO_SECRET_SUFFIX, agent,
                deployment.base() + "/oauth2/token", issuedAt, Duration.ofMinutes(2), java.util.UUID.randomUUID().toString());
        return node.form("/oauth2/token", "demo-backend", "demo-backend" + TestClient.DEMO_SECRET_SUFFIX,
                Map.of("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion", assertion, "scope", RW));
    }

    /** A token node 3 issued to a backend whose clock agrees with node 3's. */
    private static String skewedToken(String agent) {
        TestClient.Reply r = tokenRequest(nodes.get(2).http(), agent, java.time.Instant.now().plus(SKEW_BY));
        if (r.status() != 200) throw new IllegalStateException("node 3 refused the token request: " + r.body());
        return r.json().get("access_token").asString();
    }

    private static String startConversation(TestClient http) {
        // The first token may come from the skewed node and the first socket land on another: retried, as a client does,
        // each time on a new HTTP connection (the balancer keeps one connection on one node).
        return await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> {
            try (StreamClient a1 = StreamClient.connect(http.base())) {
                a1.authenticate(new TestClient(http.base()).agentToken("demo-backend", "agent1", RW), "messaging");
                a1.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"), "subject", "faults");
                return a1.nextOp("conversation").get("conversation").get("id").asString();
            }
        }, id -> id != null);
    }

    /**
     * Recovery waits block for up to 90 s: never on the common pool, which the JDK's WebSocket client needs to finish an
     * upgrade (on 2 cores that pool has one thread, and a wait there starved every reconnect for 80-90 s).
     */
    private static final java.util.concurrent.ExecutorService WAITER = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();

    /**
     * A fault that lasts: injected, left for {@code lasting}, undone; answers the time from when it was in effect until
     * both agents recovered.
     */
    private static long during(List<DeliveryDriver> drivers, Duration lasting, Step inject, Step undo) throws Exception {
        inject.run();
        long at = System.nanoTime();
        var recovery = CompletableFuture.supplyAsync(() -> recovered(drivers, at), WAITER);
        Thread.sleep(lasting.toMillis());
        undo.run();
        return recovery.get();
    }

    @FunctionalInterface
    interface Step {
        void run() throws Exception;
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
        return recovered(drivers, faultAt, d -> d.newestAckedSendAt.get() > faultAt);
    }

    /** Time from the fault until {@code recovered} holds of both agents. */
    private static long recovered(List<DeliveryDriver> drivers, long faultAt, java.util.function.Predicate<DeliveryDriver> recovered) {
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(20))
                    .until(() -> drivers.stream().allMatch(recovered));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            StringBuilder where = new StringBuilder("not recovered within 90 s:");
            for (DeliveryDriver d : drivers) {
                where.append(String.format("%n%s: acked %d, last seen %d, connections %d, stalls %d, errors %s", d.agent,
                        d.ackedIds.size(), d.lastSeen, d.connections, d.stalls, d.errors));
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
}
