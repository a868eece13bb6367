package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deskframe.identity.Agent;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/** {@code GET /api/v2/conversations/{id}/routing-options}: what the widget's transfer and close pickers offer. */
class RoutingOptionsIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    RoutingFixture fx;

    @BeforeEach
    void fixture() {
        fx = new RoutingFixture(context, BASE);
    }

    @Test
    void theAssignedAgentGetsTheOtherAgentsWithPresenceAndLoadTheQueuesAndTheWrapUpCodes() {
        String queue = fx.queue(new QueueRouting.QueueConfig.Update(30, true, true,
                List.of(new QueueRouting.WrapUpCode("resolved", "Resolved"), new QueueRouting.WrapUpCode("escalated", null)), 0, null));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 2);
        try (AgentDesk ca = fx.connect(a, true)) {
            String conv = assignedConversation(ca, queue);
            TestClient.Reply r = options(conv, fx.token(a));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode o = r.json();
            assertThat(o.get("queue").asString()).isEqualTo(queue);
            assertThat(o.get("wrapUpRequired").asBoolean()).isTrue();
            assertThat(o.get("wrapUpCodes").valueStream().map(c -> c.get("code").asString()).toList())
                    .containsExactlyInAnyOrder("resolved", "escalated");
            List<String> agents = o.get("agents").valueStream().map(x -> x.get("id").asString()).toList();
            assertThat(agents).as("the caller is no target of its own transfer").contains(b.id()).doesNotContain(a.id());
            JsonNode other = o.get("agents").valueStream().filter(x -> x.get("id").asString().equals(b.id())).findFirst().orElseThrow();
            assertThat(other.get("status").asString()).isEqualTo("offline");
            assertThat(other.get("load").asInt()).isZero();
            assertThat(other.get("capacity").asInt()).isEqualTo(2);
            assertThat(o.get("queues").valueStream().map(q -> q.get("id").asString()).toList()).contains(queue);
        }
    }

    @Test
    void anotherAgentIsToldTheConversationIsNotItsOwnAndAnotherOrgThatItDoesNotExist() {
        String queue = fx.queue(RoutingFixture.autoAccept());
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true)) {
            String conv = assignedConversation(ca, queue);
            TestClient.Reply notYours = options(conv, fx.token(b));
            assertThat(notYours.status()).as(notYours.body()).isEqualTo(403);
            assertThat(notYours.json().get("code").asString()).isEqualTo("conversation.not_assigned");
            assertThat(notYours.json().get("hint").asString()).isNotBlank();

            TestClient.Reply unknown = options("c_doesnotexist", fx.token(a));
            assertThat(unknown.status()).as(unknown.body()).isEqualTo(404);
            TestClient.Reply otherOrg = options(conv, http.agentToken("acme-backend", "acme-agent1", "messaging:read"));
            assertThat(otherOrg.status()).as("another org's conversation looks like none: %s", otherOrg.body()).isEqualTo(404);
        }
    }

    /** A customer's new conversation in {@code queue} (auto-accept), assigned to the agent at {@code desk}. */
    private String assignedConversation(AgentDesk desk, String queue) {
        String conv = fx.customerConversation(queue);
        assertThat(desk.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(conv);
        return conv;
    }

    private TestClient.Reply options(String conversation, String token) {
        return http.get("/api/v2/conversations/" + conversation + "/routing-options", token);
    }
}
