package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.testing.ServerInstance;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * A restart in the middle of routing (the embedded H2 file database): an assigned conversation stays its agent's, an
 * open offer's timer survives, and waiting work is routed afterwards in arrival order: nothing dropped, nothing twice.
 */
class RoutingRestartIntegrationTests {

    @Test
    void aRestartMidRoutingDropsNothingAndAssignsNothingTwice() throws Exception {
        try (ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-routing-restart"),
                Map.of("deskframe.routing.offline-grace", "2m"))) {
            server.start();
            RoutingFixture fx = new RoutingFixture(server.context(), server.base());
            String queue = fx.queue(RoutingFixture.offersFor(3));
            Agent a = fx.agent(queue, 2);
            List<String> arrived = new ArrayList<>();
            String c1, c2;
            try (AgentDesk desk = fx.connect(a, true)) {
                for (int i = 0; i < 6; i++) arrived.add(fx.customerConversation(queue));
                c1 = desk.nextOp("conversation_offered").get("conversation").asString();
                c2 = desk.nextOp("conversation_offered").get("conversation").asString();
                assertThat(List.of(c1, c2)).containsExactlyElementsOf(arrived.subList(0, 2));
                assertThat(desk.command("op", "accept", "conversation", c1).get("op").asString()).isEqualTo("conversation_assigned");
            }
            server.restart();
            fx = new RoutingFixture(server.context(), server.base());
            try (AgentDesk desk = fx.connect(a, false)) {
                // Still assigned, and only once: the holder's accept sent again is told it holds it (routing.md).
                JsonNode again = desk.command("op", "accept", "conversation", c1);
                assertThat(again.get("op").asString()).as(again.toString()).isEqualTo("conversation_assigned");
                assertThat(again.get("conversation").asString()).isEqualTo(c1);
                // c2's offer was open at the restart: it is offered again (as it stands, or after its stored timer ran out).
                JsonNode offer = desk.nextOp("conversation_offered");
                assertThat(offer.get("conversation").asString()).isEqualTo(c2);
                List<String> served = new ArrayList<>(List.of(c1));
                String current = c2;
                while (true) {
                    JsonNode reply = desk.command("op", "accept", "conversation", current);
                    if (!"conversation_assigned".equals(RoutingFixture.text(reply, "op"))) {
                        // The stored timer ran out meanwhile: the same conversation comes back (no one else can take it).
                        current = desk.nextOp("conversation_offered").get("conversation").asString();
                        continue;
                    }
                    served.add(current);
                    if (served.size() == arrived.size()) break;
                    // Closing the older one frees the slot for the next in line.
                    desk.command("op", "close", "conversation", served.get(served.size() - 2));
                    current = desk.nextOp("conversation_offered").get("conversation").asString();
                }
                assertThat(served).containsExactlyElementsOf(arrived);
                for (String conv : served.subList(served.size() - 2, served.size())) {
                    assertThat(desk.command("op", "close", "conversation", conv).get("op").asString()).isEqualTo("conversation_ended");
                }
            }
            Map<String, Integer> max = RoutingLoad.replayLoads(server.bean(JdbcClient.class), arrived);
            assertThat(max.get(a.id())).isLessThanOrEqualTo(2);
        }
    }
}
