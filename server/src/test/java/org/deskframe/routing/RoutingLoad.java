package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.deskframe.identity.Agent;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Many customers and agents at once: conversations arrive from several threads (and nodes), each agent's desktop
 * accepts every offer and closes it a little later, and afterwards the durable audit is replayed per agent to prove
 * its load never exceeded its capacity, and that every conversation was accepted and closed exactly once.
 */
final class RoutingLoad {

    /** An agent's desktop under load: offers are accepted and closed concurrently, as a person with several chats does. */
    static final class LoadAgent implements AutoCloseable {
        final Agent agent;
        final StreamClient client;
        final int capacity;
        final Set<String> open = ConcurrentHashMap.newKeySet();
        final AtomicInteger maxOpen = new AtomicInteger();
        final AtomicInteger served = new AtomicInteger();
        final Map<String, CompletableFuture<JsonNode>> replies = new ConcurrentHashMap<>();
        final ExecutorService work = Executors.newVirtualThreadPerTaskExecutor();
        final AtomicBoolean running = new AtomicBoolean(true);
        final Thread reader;
        final Set<String> closed;
        final int holdMillis;

        LoadAgent(Agent agent, StreamClient client, int capacity, Set<String> closed, int holdMillis) {
            this.agent = agent;
            this.client = client;
            this.capacity = capacity;
            this.closed = closed;
            this.holdMillis = holdMillis;
            this.reader = Thread.ofVirtual().start(this::read);
        }

        private void read() {
            while (running.get()) {
                JsonNode f = client.poll(Duration.ofMillis(100));
                if (f == null) continue;
                String id = RoutingFixture.text(f, "id");
                if (id != null && replies.containsKey(id)) {
                    replies.remove(id).complete(f);
                    continue;
                }
                if ("conversation_offered".equals(RoutingFixture.text(f, "op"))) {
                    String conv = f.get("conversation").asString();
                    open.add(conv);
                    maxOpen.accumulateAndGet(open.size(), Math::max);
                    work.execute(() -> handle(conv));
                } else if ("offer_withdrawn".equals(RoutingFixture.text(f, "op"))) {
                    open.remove(f.get("conversation").asString());
                }
            }
        }

        private void handle(String conv) {
            JsonNode accepted = command("op", "accept", "conversation", conv);
            if (!"conversation_assigned".equals(RoutingFixture.text(accepted, "op"))) {
                open.remove(conv);
                return;
            }
            try {
                // A chat takes a while: long enough that arrivals pile up to every agent's capacity.
                Thread.sleep(ThreadLocalRandom.current().nextInt(holdMillis / 2, holdMillis + 1));
            } catch (InterruptedException e) {
                return;
            }
            // Counted as closed from the moment the close is sent: the server cannot free the slot before that.
            open.remove(conv);
            JsonNode ended = command("op", "close", "conversation", conv);
            assertThat(RoutingFixture.text(ended, "op")).as(ended.toString()).isEqualTo("conversation_ended");
            served.incrementAndGet();
            assertThat(closed.add(conv)).as("closed once: " + conv).isTrue();
        }

        private JsonNode command(Object... keyValues) {
            String id = RoutingFixture.unique("load");
            CompletableFuture<JsonNode> reply = new CompletableFuture<>();
            replies.put(id, reply);
            Object[] withId = new Object[keyValues.length + 2];
            withId[0] = "id";
            withId[1] = id;
            System.arraycopy(keyValues, 0, withId, 2, keyValues.length);
            synchronized (client) {
                client.sendFrame(withId);
            }
            try {
                return reply.get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("no reply to " + List.of(keyValues), e);
            }
        }

        @Override
        public void close() {
            running.set(false);
            work.shutdownNow();
            client.close();
        }
    }

    /** Connects an agent (token from {@code http}) to the server at {@code base} and makes it available. */
    static LoadAgent connect(TestClient http, String base, Agent agent, int capacity, Set<String> closed, int holdMillis) {
        StreamClient c = StreamClient.connect(base);
        c.authenticate(http.agentToken("demo-backend", agent.username(), RoutingFixture.AGENT_SCOPES), "messaging");
        c.sendFrame("op", "set_presence", "id", "avail", "status", "available");
        c.next(f -> "avail".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(10));
        return new LoadAgent(agent, c, capacity, closed, holdMillis);
    }

    /** Starts {@code total} conversations from {@code threads} threads, round robin over the starters (nodes). */
    static List<String> arrive(int total, int threads, List<Supplier<String>> starters) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<CompletableFuture<String>> started = new ArrayList<>();
            for (int i = 0; i < total; i++) {
                Supplier<String> starter = starters.get(i % starters.size());
                started.add(CompletableFuture.supplyAsync(starter, pool));
            }
            List<String> ids = new ArrayList<>();
            for (CompletableFuture<String> f : started) ids.add(f.get(60, TimeUnit.SECONDS));
            return ids;
        } finally {
            pool.shutdown();
        }
    }

    /**
     * Replays the audit of these conversations per agent, in the order the decisions were taken, and returns each
     * agent's highest load (offers + assignments); also checks each was accepted and closed exactly once.
     */
    static Map<String, Integer> replayLoads(JdbcClient jdbc, List<String> conversations) {
        Set<String> ours = Set.copyOf(conversations);
        Map<String, Integer> load = new HashMap<>();
        Map<String, Integer> max = new HashMap<>();
        Map<String, Integer> accepted = new HashMap<>();
        Map<String, Integer> closedCount = new HashMap<>();
        Map<String, String> holder = new HashMap<>();
        List<Map<String, Object>> rows = jdbc.sql("select conversation_id, kind, agent_id from routing_events order by id").query().listOfRows();
        for (Map<String, Object> row : rows) {
            String conv = (String) row.get("conversation_id");
            if (!ours.contains(conv)) continue;
            String kind = (String) row.get("kind");
            String agent = (String) row.get("agent_id");
            switch (kind) {
                case "offered", "assigned" -> {
                    holder.put(conv, agent);
                    int now = load.merge(agent, 1, Integer::sum);
                    max.merge(agent, now, Math::max);
                    if (kind.equals("assigned")) accepted.merge(conv, 1, Integer::sum);
                }
                case "accepted" -> accepted.merge(conv, 1, Integer::sum);
                case "declined", "timed_out", "withdrawn", "requeued" -> {
                    load.merge(agent, -1, Integer::sum);
                    holder.remove(conv);
                }
                case "closed" -> {
                    closedCount.merge(conv, 1, Integer::sum);
                    String h = holder.remove(conv);
                    if (h != null) load.merge(h, -1, Integer::sum);
                }
                default -> { }
            }
        }
        for (String conv : conversations) {
            assertThat(accepted.get(conv)).as("accepted/assigned once: %s", conv).isEqualTo(1);
            assertThat(closedCount.get(conv)).as("closed once: %s", conv).isEqualTo(1);
        }
        assertThat(load.values()).as("every offer and assignment ended").allMatch(v -> v == 0);
        return max;
    }
}
