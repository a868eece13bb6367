package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.testing.ServerInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The system's timers with short settings (a server of this class's own): an agent whose last session dropped goes
 * offline after the grace period and its conversations go back to their queue at their original places; a
 * conversation its agent leaves unanswered goes back too.
 */
class RoutingTimersIntegrationTests {

    static ServerInstance server;
    static RoutingFixture fx;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerInstance(Files.createTempDirectory("deskframe-routing-timers"), Map.of(
                "spring.datasource.url", "jdbc:h2:mem:routing-timers;DB_CLOSE_DELAY=-1",
                "deskframe.routing.offline-grace", "1s",
                "deskframe.routing.requeue-unanswered-after", "3s",
                "deskframe.routing.retell-unanswered-after", "1s")).start();
        fx = new RoutingFixture(server.context(), server.base());
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    @Test
    void anAgentWhoseLastSessionDropsGoesOfflineAfterTheGraceAndItsConversationGoesBackToItsPlace() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 1), b = fx.agent(queue, 1);
        AgentDesk da = fx.connect(a, true);
        String c1 = fx.customerConversation(queue);
        assertThat(da.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(c1);
        da.command("op", "accept", "conversation", c1);
        answer(da, c1);
        String c2 = fx.customerConversation(queue);
        try (AgentDesk db = fx.connect(b, true)) {
            assertThat(db.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(c2);
            db.command("op", "accept", "conversation", c2);
            answer(db, c2);
            String c3 = fx.customerConversation(queue);
            // A reload within the grace period costs nothing.
            da.close();
            try (AgentDesk back = fx.connect(a, false)) {
                assertThat(back.pollOp("presence", Duration.ofMillis(2500))).isNull();
                back.abort();
            }
            // Gone for good: offline after the grace, c1 back in the queue before c3 (its original place).
            await().atMost(Duration.ofSeconds(10)).until(() -> fx.eventKinds(fx.token(b), c1).contains("requeued"));
            db.command("op", "close", "conversation", c2);
            JsonNode next = db.nextOp("conversation_offered");
            assertThat(next.get("conversation").asString()).isEqualTo(c1);
            assertThat(fx.eventKinds(fx.token(b), c1)).containsSubsequence("accepted", "requeued", "offered");
            assertThat(fx.eventKinds(fx.token(b), c3)).containsExactly("queued");
        }
    }

    /** The agent answers, so that this class's unanswered timer (3 s) leaves the conversation alone. */
    static void answer(AgentDesk desk, String conversation) {
        desk.sendFrame("op", "send", "id", "answer-" + conversation, "conversation", conversation, "clientMessageId",
                "answer-" + conversation, "text", "Hello, how can I help?");
        assertThat(desk.nextOp("ack").get("conversation").asString()).isEqualTo(conversation);
    }

    @Test
    void anAutoAssignmentItsAgentLeavesUnansweredIsToldAgainToItsOpenSessionOnceAndNotAfterTheAnswer() {
        String queue = fx.queue(RoutingFixture.autoAccept());
        Agent a = fx.agent(queue, 2);
        try (AgentDesk da = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue);
            java.util.function.Predicate<JsonNode> assigned = f -> "conversation_assigned".equals(RoutingFixture.text(f, "op"))
                    && c1.equals(RoutingFixture.text(f, "conversation"));
            da.next(assigned, Duration.ofSeconds(15));
            // Had that push been lost (nothing shows it), this is what tells the agent: the database's assignment, again.
            JsonNode again = da.next(assigned, Duration.ofSeconds(3));
            assertThat(RoutingFixture.text(again, "id")).isNull();
            // Once per session: not again while it stays unanswered, nor once it is answered.
            assertThat(da.pollOp("conversation_assigned", Duration.ofMillis(700))).isNull();
            answer(da, c1);
            assertThat(da.pollOp("conversation_assigned", Duration.ofMillis(2000))).isNull();
        }
    }

    @Test
    void aConversationItsAgentLeavesUnansweredGoesBackToTheQueue() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        try (AgentDesk da = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue);
            da.nextOp("conversation_offered");
            da.command("op", "accept", "conversation", c1);
            try (AgentDesk db = fx.connect(b, true)) {
                JsonNode ended = da.nextOp("conversation_ended");
                assertThat(ended.get("reason").asString()).isEqualTo("requeued_unanswered");
                assertThat(db.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(c1);
            }
        }
    }
}
