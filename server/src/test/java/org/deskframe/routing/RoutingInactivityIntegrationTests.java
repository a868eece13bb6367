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

    /**
     * Routing writes the activity time only when it is older than its resolution (a tenth of close-inactive-after
     * here), so this checks that a message still counts: one sent after two of the three seconds moves the close to
     * three seconds after it, never earlier.
     */
    @Test
    void aMessagePostponesTheInactivityCloseToTheFullTimeAfterIt() throws Exception {
        try (ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-routing-active"), Map.of(
                "spring.datasource.url", "jdbc:h2:mem:routing-active;DB_CLOSE_DELAY=-1",
                "deskframe.routing.close-inactive-after", "3s"))) {
            server.start();
            RoutingFixture fx = new RoutingFixture(server.context(), server.base());
            String queue = fx.queue(RoutingFixture.autoAccept());
            Agent a = fx.agent(queue, 1);
            try (AgentDesk desk = fx.connect(a, true)) {
                String c = fx.customerConversation(queue);
                assertThat(desk.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c);
                Thread.sleep(2_000);
                JsonNode ack = desk.command("op", "send", "conversation", c, "clientMessageId", "still-here", "text", "Still there?");
                assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
                long acked = System.nanoTime();
                JsonNode ended = desk.next(f -> "conversation_ended".equals(f.path("op").asString()), java.time.Duration.ofSeconds(30));
                long afterAck = (System.nanoTime() - acked) / 1_000_000;
                assertThat(ended.get("reason").asString()).isEqualTo("inactivity");
                assertThat(afterAck).as("ms from the message's ack to the inactivity close").isGreaterThanOrEqualTo(2_900);
            }
        }
    }
}
