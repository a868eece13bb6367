package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.PostgresSchema;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * "Acknowledged means durable", through a crash: a server in a child JVM takes sends, receipts and admin changes from
 * many sessions at once and is killed with SIGKILL in the middle of them, then started again on the same database.
 * Every acknowledgement the clients received is then checked against what the restarted server holds: each
 * acknowledged message at its acknowledged sequence with its own client id (0 lost, 0 sequence numbers reused), the
 * log gapless, each acknowledged receipt position, each created agent, and new messages numbered after the old ones.
 */
class CrashDurabilityIntegrationTests {

    static final String RW = "messaging:read messaging:write";
    static final int CONVERSATIONS = 12;
    static final int SESSIONS_PER_AGENT = 6;
    static final int IN_FLIGHT = 16;
    /** Enough acknowledgements before the kill that it lands in the middle of steady traffic. */
    static final int ACKS_BEFORE_KILL = 2_000;

    static final Map<String, Object> UNTHROTTLED = Map.of(
            "deskframe.gateway.sends-per-second-per-agent", 100_000,
            "deskframe.gateway.frames-per-second", 100_000);

    @Test
    void whenTheEmbeddedDefaultIsKilledUnderLoadThenNoAcknowledgedWriteIsLostOrItsSequenceReused(@TempDir Path dir) throws Exception {
        try (ServerProcess server = new ServerProcess(dir, UNTHROTTLED)) {
            crashUnderLoadAndCheck(server);
        }
    }

    @Test
    void whenANodeOnPostgresIsKilledUnderLoadThenNoAcknowledgedWriteIsLostOrItsSequenceReused(@TempDir Path dir) throws Exception {
        try (PostgresSchema schema = PostgresSchema.named("deskframe_crash")) {
            Map<String, Object> props = new LinkedHashMap<>(UNTHROTTLED);
            props.putAll(schema.properties());
            try (ServerProcess server = new ServerProcess(dir, props)) {
                crashUnderLoadAndCheck(server);
            }
        }
    }

    private static void crashUnderLoadAndCheck(ServerProcess server) throws Exception {
        server.start();
        TestClient http = server.http();
        List<String> conversations = startConversations(http);
        Workload load = new Workload(http, conversations);
        load.start();
        load.awaitAcks(ACKS_BEFORE_KILL, Duration.ofSeconds(60));
        server.kill();
        load.stop();
        assertThat(load.failures).as("workload errors").isEmpty();
        // The kill must have hit traffic in flight, or this test proves nothing about a crash.
        assertThat(load.unacknowledgedAtKill.get()).as("sends in flight when the process died").isPositive();

        System.out.printf("crash test: %d acknowledged sends, %d receipts, %d agents created, %d sends in flight at the kill%n",
                load.acks.size(), load.receipts.size(), load.createdAgents.size(), load.unacknowledgedAtKill.get());
        server.start();
        Map<String, Map<Long, JsonNode>> history = new HashMap<>();
        for (String c : conversations) history.put(c, history(http, c));

        List<String> lost = new ArrayList<>();
        List<String> reused = new ArrayList<>();
        for (Ack ack : load.acks.values()) {
            JsonNode stored = history.get(ack.conversation()).get(ack.seq());
            if (stored == null) lost.add(ack.toString());
            else if (!stored.get("clientMessageId").asString().equals(ack.clientMessageId())
                    || !stored.get("sender").get("id").asString().equals(ack.agent())) reused.add(ack + " now holds " + stored);
        }
        assertThat(lost).as("acknowledged messages lost (of %d acknowledged)", load.acks.size()).isEmpty();
        assertThat(reused).as("acknowledged sequence numbers holding another message").isEmpty();
        for (String c : conversations) {
            Map<Long, JsonNode> messages = history.get(c);
            assertThat(messages.keySet()).as("conversation %s is gapless from 1", c)
                    .containsExactlyInAnyOrderElementsOf(java.util.stream.LongStream.rangeClosed(1, messages.size()).boxed().toList());
        }

        // Receipts: every acknowledged read position is still there (list_conversations carries the caller's readSeq).
        for (String agent : List.of("agent1", "agent2")) {
            Map<String, Long> readSeq = readPositions(http, agent);
            load.receipts.forEach((key, seq) -> {
                if (key.startsWith(agent + "/")) {
                    assertThat(readSeq.get(key.substring(agent.length() + 1))).as("read position %s", key).isGreaterThanOrEqualTo(seq);
                }
            });
        }
        assertThat(load.receipts).as("receipts acknowledged before the kill").isNotEmpty();

        // Identity changes: every agent whose creation was answered 201 exists.
        String admin = http.clientToken("demo-admin", "admin");
        JsonNode agents = http.get("/api/v2/admin/orgs/demo/agents", admin).json();
        Set<String> usernames = new java.util.HashSet<>();
        agents.forEach(a -> usernames.add(a.get("username").asString()));
        assertThat(load.createdAgents).as("agents created before the kill").isNotEmpty();
        assertThat(usernames).containsAll(load.createdAgents);

        // New messages continue after everything that was ever acknowledged: no number is handed out twice.
        try (StreamClient ws = StreamClient.connect(http.base())) {
            ws.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            for (String c : conversations) {
                ws.sendFrame("op", "send", "id", "after-" + c, "conversation", c, "clientMessageId", "after-restart-" + c, "text", "after");
                JsonNode ack = ws.nextOp("ack");
                long maxAcked = load.acks.values().stream().filter(a -> a.conversation().equals(c)).mapToLong(Ack::seq).max().orElse(0);
                assertThat(ack.get("seq").asLong()).as("first sequence after the restart in %s", c)
                        .isEqualTo(history.get(c).size() + 1L).isGreaterThan(maxAcked);
            }
        }
    }

    private static List<String> startConversations(TestClient http) {
        List<String> ids = new ArrayList<>();
        try (StreamClient ws = StreamClient.connect(http.base())) {
            ws.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            for (int i = 0; i < CONVERSATIONS; i++) {
                ws.sendFrame("op", "start_conversation", "id", "start-" + i, "agents", List.of("agent2"), "subject", "crash " + i);
                ids.add(ws.nextOp("conversation").get("conversation").get("id").asString());
            }
        }
        return ids;
    }

    private static Map<Long, JsonNode> history(TestClient http, String conversation) {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");
        Map<Long, JsonNode> bySeq = new LinkedHashMap<>();
        long after = 0;
        while (true) {
            TestClient.Reply page = http.get("/api/v2/conversations/" + conversation + "/messages?limit=500&after=" + after, token);
            assertThat(page.status()).as(page.body()).isEqualTo(200);
            for (JsonNode m : page.json().get("messages")) {
                assertThat(bySeq.put(m.get("seq").asLong(), m)).as("seq %s listed once", m.get("seq")).isNull();
            }
            JsonNode next = page.json().get("next");
            if (next == null || next.isNull()) return bySeq;
            after = next.asLong();
        }
    }

    private static Map<String, Long> readPositions(TestClient http, String agent) {
        try (StreamClient ws = StreamClient.connect(http.base())) {
            ws.authenticate(http.agentToken("demo-backend", agent, RW), "messaging");
            ws.sendFrame("op", "list_conversations", "id", "list");
            Map<String, Long> positions = new HashMap<>();
            ws.nextOp("conversations").get("conversations").forEach(c -> positions.put(c.get("id").asString(), c.get("readSeq").asLong()));
            return positions;
        }
    }

    record Ack(String agent, String conversation, long seq, String clientMessageId) {}

    /** Senders on every agent session plus an admin creating agents, recording every acknowledgement they get. */
    static final class Workload {
        final TestClient http;
        final List<String> conversations;
        final Map<String, Ack> acks = new ConcurrentHashMap<>();
        /** agent/conversation -> highest read position acknowledged with receipt_ok. */
        final Map<String, Long> receipts = new ConcurrentHashMap<>();
        final Set<String> createdAgents = ConcurrentHashMap.newKeySet();
        final AtomicInteger unacknowledgedAtKill = new AtomicInteger();
        final List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<Thread> threads = new ArrayList<>();

        Workload(TestClient http, List<String> conversations) {
            this.http = http;
            this.conversations = conversations;
        }

        void start() {
            for (String agent : List.of("agent1", "agent2")) {
                String token = http.agentToken("demo-backend", agent, RW);
                for (int s = 0; s < SESSIONS_PER_AGENT; s++) {
                    String name = agent + "-s" + s;
                    threads.add(Thread.ofVirtual().name(name).start(() -> sender(agent, name, token)));
                }
            }
            String admin = http.clientToken("demo-admin", "admin");
            threads.add(Thread.ofVirtual().name("admin").start(() -> createAgents(admin)));
        }

        void awaitAcks(int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (acks.size() < count && System.nanoTime() < deadline && failures.isEmpty()) Thread.sleep(20);
            assertThat(acks.size()).as("acknowledgements before the kill (failures: %s)", failures).isGreaterThanOrEqualTo(count);
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread t : threads) t.join(Duration.ofSeconds(30));
        }

        private void sender(String agent, String name, String token) {
            try (StreamClient ws = StreamClient.connect(http.base())) {
                ws.authenticate(token, "messaging");
                Map<String, String> inFlight = new HashMap<>(); // clientMessageId -> conversation
                Map<String, Long> lastAcked = new HashMap<>();
                int n = 0;
                while (true) {
                    while (running.get() && !ws.isClosed() && inFlight.size() < IN_FLIGHT) {
                        String c = conversations.get(ThreadLocalRandom.current().nextInt(conversations.size()));
                        String id = name + "-" + n++;
                        inFlight.put(id, c);
                        try {
                            ws.sendFrame("op", "send", "id", id, "conversation", c, "clientMessageId", id, "text", "message " + id);
                        } catch (RuntimeException closed) {
                            break;
                        }
                    }
                    JsonNode f = ws.poll(Duration.ofMillis(200));
                    if (f == null) {
                        if (ws.isClosed()) break;
                        continue;
                    }
                    switch (f.get("op").asString()) {
                        case "ack" -> {
                            String id = f.get("clientMessageId").asString();
                            String c = f.get("conversation").asString();
                            long seq = f.get("seq").asLong();
                            inFlight.remove(id);
                            acks.put(id, new Ack(agent, c, seq, id));
                            lastAcked.merge(c, seq, Math::max);
                            if (n % 40 == 0) {
                                ws.sendFrame("op", "receipt", "id", "r-" + c + "-" + seq, "conversation", c, "kind", "read", "seq", lastAcked.get(c));
                            }
                        }
                        case "receipt_ok" -> receipts.merge(agent + "/" + f.get("conversation").asString(), f.get("seq").asLong(), Math::max);
                        case "error" -> {
                            // server.restarting is how an append that races the kill may end; anything else is a bug.
                            if (!"server.restarting".equals(f.get("code").asString())) failures.add(name + ": " + f);
                        }
                        default -> { }
                    }
                }
                unacknowledgedAtKill.addAndGet(inFlight.size());
            } catch (RuntimeException e) {
                if (running.get()) failures.add(name + ": " + e);
            }
        }

        private void createAgents(String admin) {
            int i = 0;
            String prefix = "crash" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
            while (running.get()) {
                String username = prefix + "-" + i++;
                try {
                    TestClient.Reply r = http.send("POST", "/api/v2/admin/orgs/demo/agents", admin,
                            TestClient.JSON.writeValueAsString(Map.of("username", username)));
                    if (r.status() == 201) createdAgents.add(username);
                    else if (r.status() != 0 && running.get()) failures.add("create agent " + username + ": " + r.status() + " " + r.body());
                } catch (RuntimeException e) {
                    return; // the server is gone
                }
            }
        }
    }
}
