package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A node told to stop drains: it reports not ready first, refuses new sessions with {@code server.restarting}, tells
 * its open sessions {@code server.restarting} in batches spread over {@code drain-spread}, and keeps serving (and
 * acknowledging) the ones not yet told.
 */
class DrainIntegrationTests {

    static final String RW = "messaging:read messaging:write";

    @Test
    void aStoppingNodeReportsNotReadyThenClosesItsSessionsSpreadOverTheWindow() throws Exception {
        ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-drain"), Map.of(
                "deskframe.gateway.drain-spread", "3s",
                "deskframe.demo.enabled", "true")).start();
        List<StreamClient> sessions = new ArrayList<>();
        try {
            TestClient http = server.http();
            assertThat(http.get("/actuator/health/readiness", null).status()).isEqualTo(200);
            String token = http.agentToken("demo-backend", "agent1", RW);
            String token2 = http.agentToken("demo-backend", "agent2", RW);
            for (int i = 0; i < 8; i++) {
                StreamClient ws = StreamClient.connect(server.base());
                ws.authenticate(i % 2 == 0 ? token : token2, "messaging");
                sessions.add(ws);
            }
            sessions.getFirst().sendFrame("op", "start_conversation", "id", "st", "agents", List.of("agent2"), "subject", "drain");
            String conversationId = sessions.getFirst().nextOp("conversation").get("conversation").get("id").asString();

            long began = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(server::stop);
            // When each session is told (the oldest first; the last one opened is watched by this thread).
            var waiters = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor();
            List<CompletableFuture<Long>> told = new ArrayList<>();
            for (StreamClient s : sessions.subList(0, sessions.size() - 1)) {
                told.add(CompletableFuture.supplyAsync(() -> toldAfterMs(s, began), waiters));
            }

            // Not ready first, while sessions are still open and served.
            long notReadyAt = 0;
            while (System.nanoTime() - began < 3_000_000_000L) {
                int status;
                try {
                    status = http.get("/actuator/health/readiness", null).status();
                } catch (RuntimeException down) {
                    break;
                }
                if (status == 503) {
                    notReadyAt = System.nanoTime();
                    break;
                }
                Thread.sleep(20);
            }
            assertThat(notReadyAt).as("readiness turned 503 during the drain").isPositive();
            StreamClient last = sessions.getLast();
            assertThat(last.isClosed()).as("the last session is still open when the node reports not ready").isFalse();

            // A session not yet told still gets its message committed and acknowledged.
            last.sendFrame("op", "send", "id", "m1", "conversation", conversationId,
                    "clientMessageId", "drain-1", "text", "during the drain");
            JsonNode reply = last.next(f -> "m1".equals(f.path("id").asString()), Duration.ofSeconds(5));
            assertThat(reply.get("op").asString()).isEqualTo("ack");

            // A new session during the drain is refused with server.restarting (its client goes to another node).
            try (StreamClient late = StreamClient.connect(server.base())) {
                // told at once, before it authenticates
                JsonNode refused = late.next();
                assertThat(refused.get("code").asString()).isEqualTo("server.restarting");
                assertThat(late.closeCode()).isEqualTo(4001);
            }

            List<Long> closedAfterMs = new ArrayList<>();
            for (CompletableFuture<Long> t : told) closedAfterMs.add(t.get());
            closedAfterMs.add(toldAfterMs(last, began));
            stopping.get();
            assertThat(closedAfterMs.getLast() - closedAfterMs.getFirst())
                    .as("closes spread over the drain window, not all at once: %s", closedAfterMs)
                    .isGreaterThanOrEqualTo(1_500);
        } finally {
            sessions.forEach(StreamClient::close);
            server.close();
        }
    }

    private static long toldAfterMs(StreamClient s, long began) {
        JsonNode told = s.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(10));
        long at = (System.nanoTime() - began) / 1_000_000;
        assertThat(told.get("code").asString()).isEqualTo("server.restarting");
        assertThat(told.get("action").asString()).isEqualTo("reconnect");
        assertThat(s.closeCode()).isEqualTo(4001);
        return at;
    }
}
