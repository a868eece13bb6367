package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.DeliveryDriver;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The delivery contract under failure, on a server of its own with a file database: two agents exchange 10,000
 * messages while their sockets are killed at random points and the server is restarted once. Each agent must
 * receive every message exactly once, in sequence order, and every send must be stored exactly once.
 */
class DeliveryUnderFailureIntegrationTests {

    static ServerInstance server;
    static final String RW = "messaging:read messaging:write";

    @BeforeAll
    static void start() throws Exception {
        server = new ServerInstance(Files.createTempDirectory("deskframe-delivery"), Map.of(
                "deskframe.gateway.sends-per-second-per-agent", "100000",
                "deskframe.gateway.frames-per-second", "100000")).start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void tenThousandMessagesSurviveRandomSocketKillsAndAServerRestartWithNothingLostOrDuplicated() throws Exception {
        TestClient http = server.http();
        String conversation;
        try (StreamClient a1 = StreamClient.connect(server.base())) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"));
            conversation = a1.nextOp("conversation").get("conversation").get("id").asString();
        }
        AtomicInteger acked = new AtomicInteger();
        var restarted = new java.util.concurrent.atomic.AtomicBoolean();
        // The first half is sent before the restart, the second half after it.
        DeliveryDriver one = new DeliveryDriver("agent1", conversation, 5_000, 10_000, 1, http, acked, () -> restarted.get() ? 5_000 : 2_500, 1500);
        DeliveryDriver two = new DeliveryDriver("agent2", conversation, 5_000, 10_000, 2, http, acked, () -> restarted.get() ? 5_000 : 2_500, 1500);
        Thread t1 = Thread.ofPlatform().name("driver-agent1").start(one);
        Thread t2 = Thread.ofPlatform().name("driver-agent2").start(two);

        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (acked.get() < 5_000 && System.nanoTime() < deadline) Thread.sleep(20);
        long restartStart = System.nanoTime();
        server.restart();
        long restartMillis = (System.nanoTime() - restartStart) / 1_000_000;
        restarted.set(true);
        t1.join(Duration.ofMinutes(4));
        t2.join(Duration.ofMinutes(4));

        for (DeliveryDriver d : List.of(one, two)) {
            assertThat(d.failure).as(d.agent + " failed").isNull();
            assertThat(d.ackedIds).as(d.agent + " acked sends").hasSize(5_000);
            assertThat(d.transcript.duplicates).as(d.agent + " duplicates").isZero();
            assertThat(d.transcript.gaps).as(d.agent + " gaps").isZero();
            assertThat(d.stalls).as(d.agent + " stalled deliveries").isZero();
            assertThat(d.lastSeen()).as(d.agent + " last sequence").isEqualTo(10_000);
            assertThat(d.transcript.received).as(d.agent + " received in order").hasSize(10_000).isSorted();
            assertThat(d.connections).as(d.agent + " reconnected after kills and the restart").isGreaterThan(d.kills + 1);
        }
        // Stored exactly once: the log holds 10,000 messages, each client message id once.
        String reader = http.agentToken("demo-backend", "agent1", "messaging:read");
        List<String> history = DeliveryDriver.history(http, conversation, reader);
        assertThat(history).hasSize(10_000);
        assertThat(new LinkedHashSet<>(history)).hasSize(10_000);
        System.out.printf("delivery under failure: kills agent1=%d agent2=%d, connections agent1=%d agent2=%d, restart %d ms%n",
                one.kills, two.kills, one.connections, two.connections, restartMillis);
    }

    @Test
    void aHundredInPlaceTokenRefreshesWhileMessagesFlowLoseNothingAndNeverReconnect() throws Exception {
        TestClient http = server.http();
        try (StreamClient sender = StreamClient.connect(server.base()); StreamClient receiver = StreamClient.connect(server.base())) {
            sender.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            receiver.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            sender.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"));
            String conversation = sender.nextOp("conversation").get("conversation").get("id").asString();
            receiver.nextOp("conversation");

            int messages = 2_000;
            Thread sending = Thread.ofPlatform().start(() -> {
                for (int i = 1; i <= messages; i++) {
                    sender.sendFrame("op", "send", "conversation", conversation, "clientMessageId", "flow-" + i, "text", "m" + i);
                    if (i % 20 == 0) {
                        try {
                            Thread.sleep(5);
                        } catch (InterruptedException e) {
                            return;
                        }
                    }
                }
            });
            // Tokens are fetched ahead so the refreshes interleave densely with the message flow.
            List<String> fresh = new ArrayList<>();
            for (int i = 0; i < 100; i++) fresh.add(http.agentToken("demo-backend", "agent2", RW));
            int refreshed = 0;
            long expected = 1;
            List<Long> seqs = new ArrayList<>();
            int next = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while ((expected <= messages || refreshed < 100) && System.nanoTime() < deadline) {
                if (next < fresh.size() && next <= refreshed) {
                    receiver.sendFrame("op", "refresh", "id", "r" + next, "token", fresh.get(next));
                    next++;
                }
                JsonNode f = receiver.poll(Duration.ofSeconds(5));
                assertThat(f).as("frames keep flowing").isNotNull();
                switch (f.get("op").asString()) {
                    case "message" -> {
                        seqs.add(f.get("seq").asLong());
                        expected++;
                    }
                    case "refreshed" -> refreshed++;
                    case "error" -> throw new AssertionError("unexpected error frame " + f);
                    default -> { }
                }
            }
            sending.join();
            assertThat(refreshed).isEqualTo(100);
            assertThat(seqs).hasSize(messages).isSorted().doesNotHaveDuplicates();
            assertThat(seqs.getLast()).isEqualTo(messages);
            assertThat(receiver.isClosed()).as("no reconnect was needed").isFalse();
        }
    }
}
