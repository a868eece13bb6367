package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.testing.ServerInstance;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** A routed conversation without messages for {@code close-inactive-after} is closed by the system, and its agent's slot frees. */
class RoutingInactivityIntegrationTests {

    @Test
    void anInactiveConversationIsClosedByTheSystemAndTheAgentTakesTheNextOne() throws Exception {
        try (ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-routing-inactive"), Map.of(
                "spring.datasource.url", "jdbc:h2:mem:routing-inactive;DB_CLOSE_DELAY=-1",
                "deskframe.routing.close-inactive-after", "2s"))) {
            server.start();
            RoutingFixture fx = new RoutingFixture(server.context(), server.base());
            String queue = fx.queue(RoutingFixture.autoAccept());
            Agent a = fx.agent(queue, 1);
            try (AgentDesk desk = fx.connect(a, true)) {
                String c1 = fx.customerConversation(queue);
                assertThat(desk.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c1);
                JsonNode ended = desk.nextOp("conversation_ended");
                assertThat(ended.get("conversation").asString()).isEqualTo(c1);
                assertThat(ended.get("reason").asString()).isEqualTo("inactivity");
                assertThat(ended.get("by").get("kind").asString()).isEqualTo("system");
                String c2 = fx.customerConversation(queue);
                assertThat(desk.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c2);
                assertThat(fx.eventKinds(fx.token(a), c1)).containsExactly("queued", "assigned", "closed");
            }
        }
    }
}
