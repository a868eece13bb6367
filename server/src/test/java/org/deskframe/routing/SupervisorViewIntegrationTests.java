package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.deskframe.identity.Agent;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The supervisor view over real HTTP and the real gateway (H2): the snapshot of waiting, offered, assigned and
 * presence, the scope it needs and the org it is limited to, and the live {@code queues} pushes (debounced).
 */
class SupervisorViewIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    RoutingFixture fx;

    @BeforeEach
    void fixture() {
        fx = new RoutingFixture(context, BASE);
    }

    String supervisorToken() {
        return http.agentToken("demo-backend", "agent1", "supervisor:read");
    }

    static JsonNode queueOf(JsonNode queues, String id) {
        for (JsonNode q : queues) if (q.get("id").asString().equals(id)) return q;
        return null;
    }

    JsonNode snapshot(String queue) {
        TestClient.Reply r = http.get("/api/v2/supervisor/queues", supervisorToken());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("at").asString()).isNotBlank();
        JsonNode q = queueOf(r.json().get("queues"), queue);
        assertThat(q).as("queue %s in %s", queue, r.body()).isNotNull();
        return q;
    }

    @Test
    void theSnapshotShowsWaitingOfferedAssignedAndMembersByPresenceWithTheirLoad() throws Exception {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 1), away = fx.agent(queue, 2);
        JsonNode empty = snapshot(queue);
        assertThat(empty.get("name").asString()).isEqualTo("Queue " + queue);
        assertThat(empty.get("waiting").asInt()).isZero();
        assertThat(empty.get("longestWaitSeconds").asLong()).isZero();
        assertThat(empty.get("oldestWaitingSince").isNull()).isTrue();
        assertThat(empty.get("agentsByPresence").get("offline").asInt()).isEqualTo(2);
        try (AgentDesk da = fx.connect(a, true); AgentDesk db = fx.connect(away, false)) {
            RoutingFixture.setPresence(db, "away");
            String first = fx.customerConversation(queue);
            Instant secondArrived = Instant.now();
            fx.customerConversation(queue);
            assertThat(da.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(first);

            JsonNode offered = snapshot(queue);
            assertThat(offered.get("waiting").asInt()).isEqualTo(1);
            assertThat(offered.get("offered").asInt()).isEqualTo(1);
            assertThat(offered.get("assigned").asInt()).isZero();
            assertThat(Instant.parse(offered.get("oldestWaitingSince").asString())).isBetween(secondArrived.minusSeconds(5), Instant.now());
            JsonNode presence = offered.get("agentsByPresence");
            assertThat(presence.get("available").asInt()).isEqualTo(1);
            assertThat(presence.get("away").asInt()).isEqualTo(1);
            assertThat(presence.get("busy").asInt()).isZero();
            assertThat(presence.get("after_contact_work").asInt()).isZero();
            assertThat(presence.get("offline").asInt()).isZero();
            JsonNode member = member(offered, a.id());
            assertThat(member.get("status").asString()).isEqualTo("available");
            assertThat(member.get("load").asInt()).isEqualTo(1);
            assertThat(member.get("capacity").asInt()).isEqualTo(1);
            assertThat(member.get("name").asString()).isEqualTo("Agent " + a.id());
            assertThat(member(offered, away.id()).get("capacity").asInt()).isEqualTo(2);

            assertThat(da.command("op", "accept", "conversation", first).get("op").asString()).isEqualTo("conversation_assigned");
            JsonNode assigned = snapshot(queue);
            assertThat(assigned.get("offered").asInt()).isZero();
            assertThat(assigned.get("assigned").asInt()).isEqualTo(1);
            assertThat(assigned.get("waiting").asInt()).isEqualTo(1);
            Thread.sleep(1100);
            assertThat(snapshot(queue).get("longestWaitSeconds").asLong()).isGreaterThanOrEqualTo(1);
        }
    }

    static JsonNode member(JsonNode queue, String agentId) {
        for (JsonNode m : queue.get("agents")) if (m.get("id").asString().equals(agentId)) return m;
        throw new AssertionError("no member " + agentId + " in " + queue);
    }

    @Test
    void withoutScopeSupervisorReadTheSnapshotAndTheWatchAreRefusedWithTheCataloguesHint() {
        TestClient.Reply r = http.get("/api/v2/supervisor/queues", http.agentToken("demo-backend", "agent1", "messaging:read"));
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.header("WWW-Authenticate")).contains("insufficient_scope").contains("supervisor:read");
        assertThat(r.json().get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(r.json().get("message").asString())
                .isEqualTo("The token lacks scope supervisor:read needed by the supervisor queues API (granted: messaging:read).");
        assertThat(r.json().get("hint").asString()).isEqualTo("Request supervisor:read when obtaining the token (your backend asked for: "
                + "messaging:read); OAuth client demo-backend already allows it.");

        try (StreamClient c = StreamClient.connect(BASE)) {
            c.authenticate(http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"), "messaging");
            c.sendFrame("op", "watch_queues", "id", "w1");
            JsonNode error = c.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(10));
            assertThat(error.get("op").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo("token.scope_missing");
            assertThat(error.get("hint").asString()).contains("Request supervisor:read");
        }
        try (StreamClient c = StreamClient.connect(BASE)) {
            c.sendFrame("op", "authenticate", "token", http.agentToken("demo-backend", "agent1", "messaging:read"), "widget", "supervisor");
            JsonNode refused = c.nextOp("error");
            assertThat(refused.get("op").asString()).isEqualTo("error");
            assertThat(refused.get("code").asString()).isEqualTo("token.scope_missing");
            assertThat(refused.get("message").asString())
                    .isEqualTo("The token lacks scope supervisor:read needed by the supervisor widget (granted: messaging:read).");
            assertThat(refused.get("closeCode").asInt()).isEqualTo(4305);
        }
    }

    @Test
    void anotherOrgsQueuesAreNeverShown() {
        String demoQueue = fx.queue(RoutingFixture.offersFor(30));
        fx.customerConversation(demoQueue);
        TestClient.Reply acme = http.get("/api/v2/supervisor/queues", http.agentToken("acme-backend", "acme-agent1", "supervisor:read"));
        assertThat(acme.status()).as(acme.body()).isEqualTo(200);
        List<String> ids = acme.json().get("queues").valueStream().map(q -> q.get("id").asString()).toList();
        assertThat(ids).contains("acme-support").doesNotContain(demoQueue, "demo-support");
        assertThat(http.get("/v3/api-docs", null).json().get("paths").has("/api/v2/supervisor/queues")).as("in the OpenAPI document").isTrue();
        List<String> demoIds = http.get("/api/v2/supervisor/queues", supervisorToken()).json().get("queues").valueStream()
                .map(q -> q.get("id").asString()).toList();
        assertThat(demoIds).contains(demoQueue, "demo-support").doesNotContain("acme-support");
    }

    @Test
    void aWatcherGetsTheViewThenOnePushForABurstOfArrivalsAndAnotherAfterTheAssignment() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        try (StreamClient sup = StreamClient.connect(BASE)) {
            JsonNode ready = sup.authenticate(supervisorToken(), "supervisor");
            assertThat(ready.get("op").asString()).as(ready.toString()).isEqualTo("ready");
            sup.sendFrame("op", "watch_queues", "id", "w1");
            JsonNode first = sup.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(10));
            assertThat(first.get("op").asString()).as(first.toString()).isEqualTo("queues");
            assertThat(queueOf(first.get("queues"), queue).get("waiting").asInt()).isZero();

            // Five arrivals at once: the watcher sees them together, not one push per arrival.
            long start = System.nanoTime();
            for (int i = 0; i < 5; i++) fx.customerConversation(queue);
            long burstMillis = (System.nanoTime() - start) / 1_000_000;
            List<Integer> seen = new ArrayList<>();
            JsonNode five = nextQueues(sup, queue, q -> {
                seen.add(q.get("waiting").asInt());
                return q.get("waiting").asInt() == 5;
            });
            assertThat(five.get("id")).as("a push carries no id").isNull();
            assertThat(queueOf(five.get("queues"), queue).get("oldestWaitingSince").isNull()).isFalse();
            long intermediate = seen.stream().filter(w -> w > 0 && w < 5).count();
            // Without the debounce every arrival would push its own count (1, 2, 3, 4); with it at most one per 500 ms (and one for a window that was already open when they began).
            assertThat(intermediate).as("pushes before all five (burst took %d ms): %s", burstMillis, seen)
                    .isLessThanOrEqualTo(burstMillis / 500 + 1);

            Agent a = fx.agent(queue, 1);
            try (AgentDesk desk = fx.connect(a, true)) {
                String offered = desk.nextOp("conversation_offered").get("conversation").asString();
                desk.command("op", "accept", "conversation", offered);
                JsonNode afterAccept = nextQueues(sup, queue, q -> q.get("assigned").asInt() == 1);
                JsonNode q = queueOf(afterAccept.get("queues"), queue);
                assertThat(q.get("waiting").asInt()).isEqualTo(4);
                assertThat(q.get("offered").asInt()).isZero();
                assertThat(member(q, a.id()).get("load").asInt()).isEqualTo(1);
                assertThat(q.get("agentsByPresence").get("available").asInt()).isEqualTo(1);
            }
        }
    }

    @Test
    void aChangeTheFeedNeverHeardOfReachesTheWatcherWithinTheResyncPeriod() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 1);
        try (StreamClient sup = StreamClient.connect(BASE)) {
            sup.authenticate(supervisorToken(), "supervisor");
            sup.sendFrame("op", "watch_queues", "id", "w1");
            JsonNode first = sup.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(10));
            String before = member(queueOf(first.get("queues"), queue), a.id()).get("status").asString();
            assertThat(before).isNotEqualTo("away");
            // Written past routing's own code, so no change is announced: as if the node's queues_changed were lost.
            int updated = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class)
                    .sql("update routing_agents set status = 'away' where agent_id = ?").param(a.id()).update();
            assertThat(updated).isEqualTo(1);
            // Within the tests' 2 s resync (nextQueues waits up to 10 s; without a resync no push ever comes).
            JsonNode pushed = nextQueues(sup, queue, q -> "away".equals(member(q, a.id()).get("status").asString()));
            assertThat(pushed.get("id")).as("a push carries no id").isNull();
        }
    }

    /** The next {@code queues} push whose view of {@code queue} matches (every push seen is handed to {@code match}). */
    static JsonNode nextQueues(StreamClient c, String queue, Predicate<JsonNode> match) {
        JsonNode f = c.next(frame -> {
            if (!"queues".equals(RoutingFixture.text(frame, "op"))) return false;
            for (JsonNode q : frame.get("queues")) if (q.get("id").asString().equals(queue)) return match.test(q);
            return false;
        }, Duration.ofSeconds(10));
        assertThat(f).as("a queues push for %s", queue).isNotNull();
        return f;
    }
}
