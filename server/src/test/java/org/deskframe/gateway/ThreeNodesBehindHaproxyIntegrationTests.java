package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.DeliveryDriver;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.Haproxy;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Three nodes of one deployment on one machine (their own ports) over a PostgreSQL schema and a redis-server of the
 * test's own, behind Debian's HAProxy, which checks each node's readiness every 200 ms: clients know only the
 * balancer's two ports (the HTTP API and the gateway, as /embed/v1/env announces it) and reconnect to whichever node
 * it gives them.
 */
class ThreeNodesBehindHaproxyIntegrationTests {

    static final String RW = "messaging:read messaging:write";

    static ClusterDeployment<ServerInstance> deployment;
    static Haproxy balancer;
    static List<ServerInstance> nodes;
    static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        deployment = ClusterDeployment.of("deskframe_three", 3).withRedis().behindHaproxy()
                .property("deskframe.gateway.drain-spread", "1s")
                .property("deskframe.gateway.sends-per-second-per-agent", 1000)
                .property("deskframe.gateway.frames-per-second", 1000)
                .property("spring.datasource.hikari.maximum-pool-size", 5)
                .inProcess();
        balancer = deployment.balancer();
        nodes = deployment.nodes();
        http = deployment.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void aRollingRestartOfAllThreeNodesUnderLoadLosesNothing() throws Exception {
        String conversation;
        try (StreamClient a1 = StreamClient.connect(balancer.base())) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"), "subject", "rolling restart");
            conversation = a1.nextOp("conversation").get("conversation").get("id").asString();
        }
        int each = 2_000;
        AtomicInteger acked = new AtomicInteger();
        long began = System.nanoTime();
        // Paced (100 messages per second per agent) so that sends go on through every node's restart.
        java.util.function.IntSupplier paced = () -> (int) ((System.nanoTime() - began) / 10_000_000L);
        DeliveryDriver one = new DeliveryDriver("agent1", conversation, each, 2 * each, 11, http, acked, paced, 0);
        DeliveryDriver two = new DeliveryDriver("agent2", conversation, each, 2 * each, 12, http, acked, paced, 0);
        Thread t1 = Thread.ofPlatform().name("driver-agent1").start(one);
        Thread t2 = Thread.ofPlatform().name("driver-agent2").start(two);

        List<Long> restartMillis = new ArrayList<>();
        Thread.sleep(1_000);
        for (ServerInstance node : nodes) {
            long t = System.nanoTime();
            node.stop();
            node.start();
            ClusterDeployment.awaitReady(node.http());
            restartMillis.add((System.nanoTime() - t) / 1_000_000);
        }
        t1.join(Duration.ofMinutes(3));
        t2.join(Duration.ofMinutes(3));

        for (DeliveryDriver d : List.of(one, two)) {
            assertThat(d.failure).as(d.agent + " failed").isNull();
            assertThat(d.ackedIds).as(d.agent + " acked sends").hasSize(each);
            assertThat(d.transcript.duplicates).as(d.agent + " duplicates").isZero();
            assertThat(d.transcript.gaps).as(d.agent + " gaps").isZero();
            assertThat(d.stalls).as(d.agent + " stalled deliveries").isZero();
            assertThat(d.transcript.received).as(d.agent + " received in order").hasSize(2 * each).isSorted();
            // its node restarted at least once under it (each of the three does)
            assertThat(d.connections).as(d.agent + " moved to another node when its own drained").isGreaterThanOrEqualTo(2);
        }
        List<String> history = DeliveryDriver.history(http, conversation, http.agentToken("demo-backend", "agent1", "messaging:read"));
        assertThat(history).hasSize(2 * each);
        assertThat(new LinkedHashSet<>(history)).as("each message stored once").hasSize(2 * each);
        System.out.printf("rolling restart of 3 nodes behind haproxy: %d messages, node restarts %s ms, connections agent1=%d agent2=%d%n",
                2 * each, restartMillis, one.connections, two.connections);
    }

    @Test
    void theBalancerSpreadsSessionsOverTheNodesAndMessagesCrossThem() {
        String t1 = http.agentToken("demo-backend", "agent1", RW);
        String t2 = http.agentToken("demo-backend", "agent2", RW);
        List<StreamClient> open = new ArrayList<>();
        try {
            // round robin: six sessions land on all three nodes; agent2's sessions get what agent1 sends on each
            for (int i = 0; i < 6; i++) {
                StreamClient c = StreamClient.connect(balancer.base());
                open.add(c);
                c.authenticate(i % 2 == 0 ? t1 : t2, "messaging");
            }
            StreamClient sender = open.getFirst();
            sender.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"), "subject", "spread");
            String conversation = sender.nextOp("conversation").get("conversation").get("id").asString();
            sender.sendFrame("op", "send", "id", "m", "conversation", conversation, "clientMessageId", "spread-1", "text", "hello nodes");
            for (int i = 1; i < 6; i += 2) {
                StreamClient receiver = open.get(i);
                assertThat(receiver.next(f -> "message".equals(f.get("op").asString()), Duration.ofSeconds(5))
                        .get("text").asString()).isEqualTo("hello nodes");
            }
            long served = nodes.stream().filter(n -> n.bean(SessionRegistry.class).all().size() > 0).count();
            assertThat(served).as("nodes holding sessions").isEqualTo(3);
        } finally {
            open.forEach(StreamClient::close);
        }
    }
}
