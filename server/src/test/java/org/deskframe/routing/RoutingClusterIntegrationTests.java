package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.deskframe.identity.Agent;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Routing on two nodes over a PostgreSQL schema and a redis-server of this test's own: conversations arrive on both
 * nodes at once, agents sit on either node, and the database alone keeps the capacity invariant and the arrival order.
 */
class RoutingClusterIntegrationTests {

    static final int CONVERSATIONS = 200;
    static final int AGENTS = 10;
    static final int CAPACITY = 3;

    static ClusterDeployment<ServerInstance> deployment;
    static ServerInstance nodeA;
    static ServerInstance nodeB;

    @BeforeAll
    static void start() throws Exception {
        // No resync within a test: what a supervisor sees comes from routing.queues_changed alone.
        deployment = ClusterDeployment.of("deskframe_routing", 2).withRedis().property("deskframe.routing.supervisor-resync", "10m").inProcess();
        nodeA = deployment.node(0);
        nodeB = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void twoHundredConversationsArrivingOnTwoNodesNeverPushAnAgentPastItsCapacity() throws Exception {
        RoutingFixture onA = new RoutingFixture(nodeA.context(), nodeA.base());
        RoutingFixture onB = new RoutingFixture(nodeB.context(), nodeB.base());
        // Two queues both nodes dispatch at once, racing for the same agents' last slots.
        String queue = onA.queue(RoutingFixture.offersFor(30)), other = onA.queue(RoutingFixture.offersFor(30));
        TestClient http = nodeA.http();
        Set<String> closed = ConcurrentHashMap.newKeySet();
        List<RoutingLoad.LoadAgent> agents = new ArrayList<>();
        try {
            for (int i = 0; i < AGENTS; i++) {
                Agent a = onA.agent(queue, CAPACITY);
                onA.routing().addMember("demo", other, a.id());
                // Half the agents on each node: offers and accepts cross nodes through Redis and the database.
                agents.add(RoutingLoad.connect(http, (i % 2 == 0 ? nodeA : nodeB).base(), a, CAPACITY, closed, 400));
            }
            List<Supplier<String>> starters = List.of(() -> onA.customerConversation(queue), () -> onB.customerConversation(other),
                    () -> onB.customerConversation(queue), () -> onA.customerConversation(other));
            List<String> conversations = RoutingLoad.arrive(CONVERSATIONS, 8, starters);
            await().atMost(Duration.ofSeconds(180)).until(() -> closed.size() == CONVERSATIONS);
            assertThat(closed).containsExactlyInAnyOrderElementsOf(conversations);
            Map<String, Integer> max = RoutingLoad.replayLoads(nodeA.bean(JdbcClient.class), conversations);
            assertThat(max.values()).as("highest load per agent").allMatch(v -> v <= CAPACITY).contains(CAPACITY);
            assertThat(max).hasSize(AGENTS);
            for (RoutingLoad.LoadAgent a : agents) assertThat(a.maxOpen.get()).isLessThanOrEqualTo(CAPACITY);
        } finally {
            agents.forEach(RoutingLoad.LoadAgent::close);
        }
    }

    @Test
    void anOfferMadeOnOneNodeIsAcceptedOnTheOtherAndArrivalOrderHoldsAcrossNodes() {
        RoutingFixture onA = new RoutingFixture(nodeA.context(), nodeA.base());
        RoutingFixture onB = new RoutingFixture(nodeB.context(), nodeB.base());
        String queue = onA.queue(RoutingFixture.offersFor(30));
        Agent a = onA.agent(queue, 1);
        List<String> arrived = new ArrayList<>();
        for (int i = 0; i < 4; i++) arrived.add((i % 2 == 0 ? onA : onB).customerConversation(queue));
        try (AgentDesk desk = onA.connect(nodeB.base(), a, true)) {
            List<String> served = new ArrayList<>();
            for (int i = 0; i < arrived.size(); i++) {
                String conv = desk.nextOp("conversation_offered").get("conversation").asString();
                served.add(conv);
                JsonNode assigned = desk.command("op", "accept", "conversation", conv);
                assertThat(assigned.get("op").asString()).isEqualTo("conversation_assigned");
                assertThat(desk.command("op", "close", "conversation", conv).get("op").asString()).isEqualTo("conversation_ended");
            }
            assertThat(served).containsExactlyElementsOf(arrived);
        }
    }

    @Test
    void aConversationArrivingOnOneNodeReachesASupervisorWatchingOnTheOther() {
        RoutingFixture onA = new RoutingFixture(nodeA.context(), nodeA.base());
        // No members: nothing on node B routes it, so only node A's routing.queues_changed can tell B's watcher.
        String queue = onA.queue(RoutingFixture.offersFor(30));
        try (StreamClient sup = StreamClient.connect(nodeB.base())) {
            // Tokens come from node A, the region's issuer; the session lives on node B.
            sup.authenticate(nodeA.http().agentToken("demo-backend", "agent1", "supervisor:read"), "supervisor");
            sup.sendFrame("op", "watch_queues", "id", "w1");
            JsonNode view = sup.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(15));
            assertThat(SupervisorViewIntegrationTests.queueOf(view.get("queues"), queue).get("waiting").asInt()).isZero();
            onA.customerConversation(queue);
            JsonNode pushed = SupervisorViewIntegrationTests.nextQueues(sup, queue, q -> q.get("waiting").asInt() == 1);
            assertThat(pushed.get("id")).isNull();
        }
    }

    @Test
    void aChangeInAnotherOrgPushesToThatOrgsWatchersAndReadsNoOtherOrgsView() {
        RoutingFixture onA = new RoutingFixture(nodeA.context(), nodeA.base());
        String queue = onA.queue(RoutingFixture.offersFor(30));
        Agent agent = onA.agent(queue, 1);
        nodeA.bean(QueueRouting.class).addMember("acme", "acme-support", "acme-agent1");
        try (StreamClient demoOnA = watch(nodeA, "demo-backend", "agent1"); StreamClient demoOnB = watch(nodeB, "demo-backend", "agent1");
             StreamClient acmeOnB = watch(nodeB, "acme-backend", "acme-agent1")) {
            // The set-up's own changes may still be pushed (debounced): let them pass first.
            for (StreamClient c : List.of(demoOnA, demoOnB, acmeOnB)) {
                while (c.nextWithin(f -> "queues".equals(RoutingFixture.text(f, "op")), Duration.ofMillis(1200)) != null) {
                    // an earlier change's push
                }
            }
            // Past routing's code, so no change is announced: only a read of demo's view can show it.
            assertThat(nodeA.bean(JdbcClient.class).sql("update routing_agents set status = 'away' where agent_id = ?")
                    .param(agent.id()).update()).isEqualTo(1);
            int capacity = 7 + (int) (System.nanoTime() % 5);
            nodeA.bean(QueueRouting.class).configureAgent("acme", "acme-agent1", capacity, null);

            // Node A told node B that acme changed; B read acme's view and pushed it.
            JsonNode acme = SupervisorViewIntegrationTests.nextQueues(acmeOnB, "acme-support",
                    q -> SupervisorViewIntegrationTests.member(q, "acme-agent1").get("capacity").asInt() == capacity);
            assertThat(acme.get("id")).isNull();
            // Neither node read demo's view for it: the unannounced change shows nowhere.
            for (StreamClient demo : List.of(demoOnA, demoOnB)) {
                assertThat(demo.nextWithin(f -> "queues".equals(RoutingFixture.text(f, "op")), Duration.ofMillis(1500)))
                        .as("a demo view pushed after acme's change (read again for it)").isNull();
            }

            // A change in demo reads demo's view again on both nodes, and then the earlier write shows too.
            onA.customerConversation(queue);
            for (StreamClient demo : List.of(demoOnA, demoOnB)) {
                JsonNode q = SupervisorViewIntegrationTests.queueOf(
                        SupervisorViewIntegrationTests.nextQueues(demo, queue, v -> v.get("waiting").asInt() == 1).get("queues"), queue);
                assertThat(SupervisorViewIntegrationTests.member(q, agent.id()).get("status").asString()).isEqualTo("away");
            }
        }
    }

    /** A supervisor session on {@code node} watching its org's queues, past the first (answered) view. */
    static StreamClient watch(ServerInstance node, String client, String username) {
        StreamClient sup = StreamClient.connect(node.base());
        sup.authenticate(nodeA.http().agentToken(client, username, "supervisor:read"), "supervisor");
        sup.sendFrame("op", "watch_queues", "id", "w1");
        JsonNode view = sup.next(f -> "w1".equals(RoutingFixture.text(f, "id")), Duration.ofSeconds(15));
        assertThat(view.get("op").asString()).as(view.toString()).isEqualTo("queues");
        return sup;
    }
}
