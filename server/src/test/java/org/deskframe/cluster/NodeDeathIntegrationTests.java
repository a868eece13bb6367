package org.deskframe.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.testing.TestClient.expect;
import static org.deskframe.testing.TestClient.json;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.guest.GuestFixture;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.FaultyTcpProxy;
import org.deskframe.testing.PrivateRedis;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A node killed between its commits and their publish, and never started again (issue 13's lost assignment and the
 * customer's missed agent message): two nodes in child JVMs over PostgreSQL and a redis-server of this test's own, node
 * A reaching Redis through a {@link FaultyTcpProxy}. An agent has a session on each node and its customer one on node
 * B. With node A's link black-holed, the agent's session on A writes to the customer and closes, which auto-assigns the
 * next customer to it; then node A is killed by its pid. No sequence shows what A never sent (nothing of it follows,
 * and it does not come back under a new epoch): node B must count A's death as the loss and catch up its open sessions
 * from the database.
 */
class NodeDeathIntegrationTests {

    static final String QUEUE = "death-auto";
    static final String AGENT = "death-desk";
    static final String ORIGIN = "https://death-shop.example";

    static PrivateRedis redis;
    static FaultyTcpProxy nodeARedis;
    static ClusterDeployment<ServerProcess> deployment;
    static ServerProcess nodeA;
    static ServerProcess nodeB;

    @BeforeAll
    static void start() throws Exception {
        redis = new PrivateRedis();
        redis.start();
        nodeARedis = new FaultyTcpProxy(redis.port);
        deployment = ClusterDeployment.of("deskframe_death", 2).withRedis(redis)
                .property("deskframe.cluster.presence-ttl", "6s")
                // Only the node's death may tell the survivor here: routing's own reminder is off.
                .property("deskframe.routing.retell-unanswered-after", "0s")
                .nodeProperty(0, "deskframe.cluster.redis-url", "redis://127.0.0.1:" + nodeARedis.port())
                // Node B's sweeper never dispatches within the test: every decision is node A's.
                .nodeProperty(1, "deskframe.routing.sweep-interval", "1h")
                // Child JVMs on a loaded machine (two cores shared with other builds) start slowly.
                .nodeStartTimeout(0, Duration.ofMinutes(6)).nodeStartTimeout(1, Duration.ofMinutes(6))
                .alsoClose(nodeARedis).childJvms();
        nodeA = deployment.node(0);
        nodeB = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void whenANodeIsKilledBeforeItsPushesLeftThenTheOpenSessionsOnTheSurvivorAreToldWhatItDecided() throws Exception {
        TestClient admin = nodeA.http();
        String token = admin.clientToken("demo-admin", "admin");
        String org = "/api/v2/admin/orgs/demo";
        expect(admin.send("POST", org + "/queues", token, json("id", QUEUE, "name", "Node death")), 201);
        expect(admin.send("PUT", org + "/queues/" + QUEUE + "/routing", token, json("autoAccept", true)), 200);
        expect(admin.send("POST", org + "/agents", token, json("username", AGENT, "displayName", "Death desk")), 201);
        expect(admin.send("PUT", org + "/agents/" + AGENT + "/routing", token, json("capacity", 1)), 200);
        expect(admin.send("PUT", org + "/queues/" + QUEUE + "/members/" + AGENT, token, null), 200);
        GuestFixture guests = new GuestFixture(admin);
        String deploymentId = guests.deployment(ORIGIN, "queue", QUEUE, "prechatFields", List.of());

        try (AgentDesk onB = desk(nodeB); AgentDesk onA = desk(nodeA)) {
            RoutingFixture.setPresence(onB, "available");
            Customer first = Customer.arrive(nodeA, deploymentId);
            try (first) {
                JsonNode assigned = onB.next(f -> "conversation_assigned".equals(RoutingFixture.text(f, "op"))
                        && first.conversation.equals(RoutingFixture.text(f, "conversation")), Duration.ofSeconds(20));
                assertThat(assigned).isNotNull();
                first.desk.next(f -> "agent_joined".equals(RoutingFixture.text(f, "op")), Duration.ofSeconds(20));
                // Capacity 1: the second customer waits until the first conversation is closed.
                Customer second = Customer.arrive(nodeA, deploymentId);
                try (second) {
                    second.desk.next(f -> "queue_position".equals(RoutingFixture.text(f, "op")), Duration.ofSeconds(20));

                    nodeARedis.blackHole();
                    JsonNode ack = onA.command("op", "send", "conversation", first.conversation, "clientMessageId", "last-words",
                            "text", "One more thing before I go");
                    assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
                    long seq = ack.get("seq").asLong();
                    JsonNode ended = onA.command("op", "close", "conversation", first.conversation);
                    assertThat(ended.get("op").asString()).as(ended.toString()).isEqualTo("conversation_ended");
                    // The close freed the slot: node A assigns the second customer and pushes it into its held link.
                    Thread.sleep(500);
                    nodeA.kill();

                    JsonNode told = onB.next(f -> "conversation_assigned".equals(RoutingFixture.text(f, "op"))
                            && second.conversation.equals(RoutingFixture.text(f, "conversation")), Duration.ofSeconds(30));
                    assertThat(told).as("the assignment node A decided, told to the agent's open session on node B").isNotNull();
                    JsonNode message = first.desk.next(f -> "message".equals(RoutingFixture.text(f, "op"))
                            && f.path("seq").asLong() == seq, Duration.ofSeconds(30));
                    assertThat(message.get("text").asString()).isEqualTo("One more thing before I go");
                    first.desk.next(f -> "conversation_ended".equals(RoutingFixture.text(f, "op")), Duration.ofSeconds(30));
                    assertThat(first.desk.client().isClosed()).as("told on the socket that stayed open").isFalse();
                }
            }
        }
    }

    private static AgentDesk desk(ServerProcess node) {
        StreamClient c = StreamClient.connect(node.base());
        // Issued by node A, the deployment's issuer (its URL is every node's public URL here).
        c.authenticate(nodeA.http().agentToken("demo-backend", AGENT, RoutingFixture.AGENT_SCOPES), "messaging");
        AgentDesk desk = new AgentDesk(c);
        desk.nextOp("presence");
        return desk;
    }

    /** A customer of the deployment whose session request went to {@code via}; its messenger's socket on node B. */
    record Customer(String conversation, AgentDesk desk) implements AutoCloseable {

        static Customer arrive(ServerProcess via, String deploymentId) {
            GuestFixture guests = new GuestFixture(via.http());
            TestClient.Reply opened = guests.session(ORIGIN, "deployment", deploymentId);
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            // The messenger's page is the platform's (the region's public URL, node A's here), embedded on the shop.
            StreamClient c = StreamClient.connect(nodeB.base(), nodeA.base());
            c.sendFrame("op", "authenticate", "id", "auth", "token", opened.json().get("token").asString(), "widget", "messenger",
                    "embedOrigin", ORIGIN);
            JsonNode ready = c.next();
            assertThat(ready.get("op").asString()).as(ready.toString()).isEqualTo("ready");
            String conversation = opened.json().get("conversation").asString();
            AgentDesk desk = new AgentDesk(c);
            // Read from the start, as the messenger does: the session then stands at a position in the conversation.
            JsonNode caughtUp = desk.command("op", "resume", "positions", Map.of(conversation, 0));
            assertThat(caughtUp.get("op").asString()).as(caughtUp.toString()).isEqualTo("caught_up");
            return new Customer(conversation, desk);
        }

        @Override
        public void close() {
            desk.close();
        }
    }

}
