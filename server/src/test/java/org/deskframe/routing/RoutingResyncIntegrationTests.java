package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.routing.RoutingFixture.text;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.guest.GuestFixture;
import org.deskframe.identity.Agent;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.FaultyTcpProxy;
import org.deskframe.testing.PrivateRedis;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes over a PostgreSQL schema and a redis-server of this test's own; node B reaches Redis through a
 * {@link FaultyTcpProxy}. A customer's session on node A stays open while node B's Redis link is cut and routing decides
 * on node B: what the lost push said reaches it once the link is back, without a reconnect. And an agent who accepts a
 * conversation receives its history before its live messages, without asking.
 */
class RoutingResyncIntegrationTests {

    static PrivateRedis redis;
    static FaultyTcpProxy nodeBRedis;
    static ClusterDeployment<ServerInstance> deployment;
    static ServerInstance nodeA;
    static ServerInstance nodeB;

    @BeforeAll
    static void start() throws Exception {
        redis = new PrivateRedis();
        redis.start();
        nodeBRedis = new FaultyTcpProxy(redis.port);
        deployment = ClusterDeployment.of("deskframe_resync", 2).withRedis(redis)
                .nodeProperty(1, "deskframe.cluster.redis-url", "redis://127.0.0.1:" + nodeBRedis.port())
                .alsoClose(nodeBRedis).inProcess();
        nodeA = deployment.node(0);
        nodeB = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void whenAnAgentOnANodeWhoseRedisLinkIsCutAcceptsThenTheCustomerOnAnotherNodeIsToldOnceTheLinkIsBackWithoutReconnecting()
            throws Exception {
        RoutingFixture fx = new RoutingFixture(nodeA.context(), nodeA.base());
        String queue = fx.queue(RoutingFixture.offersFor(60));
        Agent agent = fx.agent(queue, 1);
        Customer customer = Customer.arrive(nodeA, queue);
        try (customer; AgentDesk desk = fx.connect(nodeB.base(), agent, true)) {
            assertThat(customer.desk.nextOp("queue_position").get("conversation").asString()).isEqualTo(customer.conversation);
            assertThat(desk.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(customer.conversation);

            nodeBRedis.reset();
            try {
                // Node B notices the reset at once (the connections drop); its pushes to node A are refused from then on.
                Thread.sleep(1_000);
                JsonNode assigned = desk.command("op", "accept", "conversation", customer.conversation);
                assertThat(assigned.get("op").asString()).as(assigned.toString()).isEqualTo("conversation_assigned");
                assertThat(customer.desk.pollOp("agent_joined", Duration.ofSeconds(2))).as("the push crossed a cut link").isNull();
            } finally {
                nodeBRedis.restore();
            }

            JsonNode joined = customer.desk.next(f -> "agent_joined".equals(text(f, "op")), Duration.ofSeconds(20));
            assertThat(joined.get("conversation").asString()).isEqualTo(customer.conversation);
            assertThat(joined.get("agent").get("id").asString()).isEqualTo(agent.id());
            assertThat(customer.desk.client().isClosed()).as("told on the socket that stayed open").isFalse();
        }
    }

    @Test
    void anAgentWhoAcceptsOnAnotherNodeGetsTheHistoryBeforeTheLiveMessagesWithoutAskingForIt() throws Exception {
        RoutingFixture fx = new RoutingFixture(nodeA.context(), nodeA.base());
        String queue = fx.queue(RoutingFixture.offersFor(60));
        Agent agent = fx.agent(queue, 1);
        Customer customer = Customer.arrive(nodeA, queue);
        try (customer; AgentDesk desk = fx.connect(nodeB.base(), agent, true)) {
            assertThat(customer.send("c-1", "My order is late").get("seq").asLong()).isEqualTo(2);
            desk.nextOp("conversation_offered");
            JsonNode assigned = desk.command("op", "accept", "conversation", customer.conversation);
            assertThat(assigned.get("op").asString()).as(assigned.toString()).isEqualTo("conversation_assigned");
            // A live message right after the accept, while nothing of the history has reached the agent.
            assertThat(customer.send("c-2", "Order 1234").get("seq").asLong()).isEqualTo(3);

            List<Long> seqs = new ArrayList<>();
            List<String> texts = new ArrayList<>();
            while (seqs.size() < 3) {
                JsonNode m = desk.next(f -> "message".equals(text(f, "op")) && customer.conversation.equals(text(f, "conversation")),
                        Duration.ofSeconds(15));
                seqs.add(m.get("seq").asLong());
                texts.add(m.get("text").asString());
            }
            assertThat(seqs).containsExactly(1L, 2L, 3L);
            assertThat(texts.subList(1, 3)).containsExactly("My order is late", "Order 1234");
        }
    }

    /** A customer of a messenger deployment on {@code queue}, its guest session's socket on {@code node}. */
    record Customer(String conversation, AgentDesk desk) implements AutoCloseable {

        static Customer arrive(ServerInstance node, String queue) {
            TestClient http = node.http();
            GuestFixture guests = new GuestFixture(http);
            String origin = GuestFixture.uniqueOrigin();
            TestClient.Reply opened = guests.session(origin, "deployment", guests.deployment(origin, "queue", queue, "prechatFields", List.of("name")),
                    "prechat", Map.of("name", "Robin"));
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            StreamClient c = StreamClient.connect(node.base(), node.base());
            c.sendFrame("op", "authenticate", "id", "auth", "token", opened.json().get("token").asString(), "widget", "messenger",
                    "embedOrigin", origin);
            assertThat(c.next().get("op").asString()).isEqualTo("ready");
            return new Customer(opened.json().get("conversation").asString(), new AgentDesk(c));
        }

        JsonNode send(String clientMessageId, String text) {
            JsonNode ack = desk.command("op", "send", "conversation", conversation, "clientMessageId", clientMessageId, "text", text);
            assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
            return ack;
        }

        @Override
        public void close() {
            desk.close();
        }
    }
}
