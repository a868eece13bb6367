package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.deskframe.routing.RoutingFixture.text;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.QueueRouting;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The customer journey of issue 11 at the protocol level, over real HTTP and the real gateway (H2): a guest session
 * and the messenger's handshake as the customer, two agents' messaging sessions; queued, offered, accepted, messages
 * both ways with typing and read state, a transfer, a reconnect of the customer, a close with a wrap-up code, and a
 * return after the end. The browser test of the same journey is e2e's CustomerJourneyBrowserIntegrationTests.
 */
class CustomerJourneyIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    private final GuestFixture guests = new GuestFixture(http);
    private RoutingFixture fx;

    @BeforeEach
    void fixture() {
        fx = new RoutingFixture(context, BASE);
    }

    @Test
    void aCustomerIsQueuedOfferedAcceptedTransferredReconnectsAndIsClosedWithAWrapUpAndTheEventsSayWhoAndWhy() {
        String queue = fx.queue(new QueueRouting.QueueConfig.Update(30, false, true,
                List.of(new QueueRouting.WrapUpCode("resolved", "Resolved")), 0, null));
        Agent one = fx.agent(queue, 3), two = fx.agent(null, 3);
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "queue", queue, "prechatFields", List.of("name"));

        try (AgentDesk a1 = fx.connect(one, false); AgentDesk a2 = fx.connect(two, true)) {
            Reply opened = guests.session(origin, "deployment", dep, "prechat", Map.of("name", "Casey"));
            assertThat(opened.status()).as(opened.body()).isEqualTo(201);
            JsonNode session = opened.json();
            String conv = session.get("conversation").asString();
            String customerId = session.get("customer").get("id").asString();
            assertThat(session.get("ended").asBoolean()).isFalse();

            long msgs;
            try (AgentDesk customer = customer(session.get("token").asString(), origin)) {
                // Nobody is available yet: the session that connects after the announcement is still told its place.
                JsonNode place = customer.nextOp("queue_position");
                assertThat(place.get("conversation").asString()).isEqualTo(conv);
                assertThat(place.get("position").asInt()).isEqualTo(1);
                assertThat(place.get("estimatedWaitSeconds").asLong()).isPositive();

                RoutingFixture.setPresence(a1, "available");
                JsonNode offer = a1.nextOp("conversation_offered");
                assertThat(offer.get("conversation").asString()).isEqualTo(conv);
                assertThat(offer.get("customer").get("name").asString()).isEqualTo("Casey");
                assertThat(offer.get("customer").get("id").asString()).isEqualTo(customerId);
                assertThat(offer.get("queue").asString()).isEqualTo(queue);
                JsonNode assigned = a1.command("op", "accept", "conversation", conv);
                assertThat(assigned.get("op").asString()).as(assigned.toString()).isEqualTo("conversation_assigned");
                JsonNode joined = customer.nextOp("agent_joined");
                assertThat(joined.get("agent").get("id").asString()).isEqualTo(one.id());
                assertThat(joined.get("agent").get("displayName").asString()).isEqualTo(one.displayName());

                // Messages both ways, with typing and read state.
                customer.sendFrame("op", "typing", "conversation", conv);
                assertThat(a1.nextOp("typing").get("participant").get("id").asString()).isEqualTo(customerId);
                JsonNode ack = customer.command("op", "send", "conversation", conv, "clientMessageId", "c-1", "text", "Where is my order 1234?");
                assertThat(ack.get("op").asString()).as(ack.toString()).isEqualTo("ack");
                // The history first (the greeting), before the agent's first live message.
                assertThat(a1.nextOp("message").get("text").asString()).isEqualTo("Hello from " + dep);
                JsonNode atAgent = a1.nextOp("message");
                assertThat(atAgent.get("text").asString()).isEqualTo("Where is my order 1234?");
                assertThat(atAgent.get("sender").get("kind").asString()).isEqualTo("customer");
                a1.command("op", "receipt", "conversation", conv, "kind", "read", "seq", ack.get("seq").asLong());
                JsonNode readByAgent = customer.nextOp("receipt");
                assertThat(readByAgent.get("kind").asString()).isEqualTo("read");
                assertThat(readByAgent.get("participant").get("id").asString()).isEqualTo(one.id());
                assertThat(readByAgent.get("seq").asLong()).isEqualTo(ack.get("seq").asLong());

                a1.sendFrame("op", "typing", "conversation", conv);
                assertThat(customer.nextOp("typing").get("participant").get("id").asString()).isEqualTo(one.id());
                JsonNode agentAck = a1.command("op", "send", "conversation", conv, "clientMessageId", "a-1", "text", "It ships today.");
                assertThat(agentAck.get("op").asString()).as(agentAck.toString()).isEqualTo("ack");
                // (its own message came back to the customer too: the echo that other tabs of its browser show)
                JsonNode atCustomer = customer.next(f -> "message".equals(text(f, "op")) && "agent".equals(f.get("sender").get("kind").asString()),
                        Duration.ofSeconds(15));
                assertThat(atCustomer.get("text").asString()).isEqualTo("It ships today.");
                assertThat(atCustomer.get("sender").get("id").asString()).isEqualTo(one.id());
                assertThat(customer.command("op", "receipt", "conversation", conv, "kind", "read", "seq", agentAck.get("seq").asLong())
                        .get("op").asString()).isEqualTo("receipt_ok");
                JsonNode readByCustomer = a1.next(f -> "receipt".equals(text(f, "op")) && "customer".equals(f.get("participant").get("kind").asString()),
                        Duration.ofSeconds(15));
                assertThat(readByCustomer.get("participant").get("id").asString()).isEqualTo(customerId);
                assertThat(readByCustomer.get("kind").asString()).isEqualTo("read");

                // agent1 transfers to agent2: the customer is told who it talks to now.
                JsonNode transferred = a1.command("op", "transfer", "conversation", conv, "agent", two.id());
                assertThat(transferred.get("op").asString()).as(transferred.toString()).isEqualTo("conversation_transferred");
                assertThat(a2.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(conv);
                assertThat(customer.next(f -> "agent_joined".equals(text(f, "op")) && two.id().equals(f.get("agent").get("id").asString()),
                        Duration.ofSeconds(15)).get("agent").get("displayName").asString()).isEqualTo(two.displayName());
                msgs = agentAck.get("seq").asLong() + 1; // greeting, customer's, agent1's, the transfer notice
            }

            // agent2 reads the whole transcript.
            List<String> transcript = texts(http.get("/api/v2/conversations/" + conv + "/messages", fx.token(two)));
            assertThat(transcript).containsExactly("Hello from " + dep, "Where is my order 1234?", "It ships today.",
                    one.displayName() + " transferred the conversation to " + two.displayName() + ".");

            // The customer reloads: the same conversation, its agent, its whole transcript.
            Reply back = guests.session(origin, "deployment", dep, "resume", session.get("resume").asString());
            assertThat(back.status()).as(back.body()).isEqualTo(200);
            assertThat(back.json().get("conversation").asString()).isEqualTo(conv);
            assertThat(back.json().get("resumed").asBoolean()).isTrue();
            try (AgentDesk customer = customer(back.json().get("token").asString(), origin)) {
                assertThat(customer.nextOp("agent_joined").get("agent").get("id").asString()).isEqualTo(two.id());
                customer.sendFrame("op", "resume", "id", "r", "positions", Map.of(conv, 0));
                List<String> replayed = new java.util.ArrayList<>();
                for (long i = 0; i < msgs; i++) replayed.add(customer.nextOp("message").get("text").asString());
                assertThat(replayed).containsExactlyElementsOf(transcript);
                assertThat(customer.nextOp("caught_up").get("seq").asLong()).isEqualTo(msgs);

                // agent2 closes: a wrap-up code is required, then the customer is told it ended.
                JsonNode refused = a2.command("op", "close", "conversation", conv);
                assertThat(refused.get("code").asString()).as(refused.toString()).isEqualTo("wrapup.required");
                JsonNode closed = a2.command("op", "close", "conversation", conv, "wrapUp", "resolved");
                assertThat(closed.get("op").asString()).as(closed.toString()).isEqualTo("conversation_ended");
                JsonNode ended = customer.nextOp("conversation_ended");
                assertThat(ended.get("by").get("id").asString()).isEqualTo(two.id());
                assertThat(ended.get("reason").asString()).isEqualTo("closed_by_agent");
                assertThat(ended.get("wrapUp") == null || ended.get("wrapUp").isNull())
                        .as("the wrap-up code is the agents' own, never the customer's: %s", ended).isTrue();
                assertThat(closed.get("wrapUp").asString()).as("the closing agent is told its code").isEqualTo("resolved");
            }

            // The routing events record every decision with who and why.
            Reply events = http.get("/api/v2/conversations/" + conv + "/events", fx.token(two));
            assertThat(events.status()).as(events.body()).isEqualTo(200);
            assertThat(events.json().get("state").asString()).isEqualTo("closed");
            List<String> rows = events.json().get("events").valueStream().map(e -> String.join(" | ", text(e, "kind"),
                    String.valueOf(text(e, "agent")), text(e, "by"), String.valueOf(text(e, "reason")))).toList();
            assertThat(rows).containsExactly(
                    "queued | null | customer:" + customerId + " | new_conversation",
                    "offered | " + one.id() + " | system | idle_longest",
                    "accepted | " + one.id() + " | agent:" + one.id() + " | null",
                    "transferred | " + two.id() + " | agent:" + one.id() + " | to_agent",
                    "closed | " + two.id() + " | agent:" + two.id() + " | closed_by_agent");
            assertThat(text(events.json().get("events").get(4), "detail")).isEqualTo("wrap-up resolved");
            assertThat(text(events.json().get("events").get(3), "detail")).isEqualTo("from agent " + one.id());
        }
    }

    @Test
    void whenACustomerComesBackAfterItsConversationEndedThenItResumesItEndedAndOnlyRestartOpensANewOne() {
        String origin = GuestFixture.uniqueOrigin();
        String queue = fx.queue(RoutingFixture.offersFor(30));
        String dep = guests.deployment(origin, "queue", queue);
        JsonNode first = guests.session(origin, "deployment", dep).json();
        String conv = first.get("conversation").asString();
        try (AgentDesk customer = customer(first.get("token").asString(), origin)) {
            customer.command("op", "send", "conversation", conv, "clientMessageId", "c-1", "text", "never mind, found it");
            JsonNode closed = customer.command("op", "close", "conversation", conv);
            assertThat(closed.get("op").asString()).as(closed.toString()).isEqualTo("conversation_ended");
        }

        // Back later with the same browser: the ended conversation, not an empty new one.
        Reply back = guests.session(origin, "deployment", dep, "resume", first.get("resume").asString());
        assertThat(back.status()).as(back.body()).isEqualTo(200);
        assertThat(back.json().get("conversation").asString()).isEqualTo(conv);
        assertThat(back.json().get("resumed").asBoolean()).isTrue();
        assertThat(back.json().get("ended").asBoolean()).isTrue();
        assertThat(texts(http.get("/api/v2/conversations/" + conv + "/messages", back.json().get("token").asString())))
                .containsExactly("Hello from " + dep, "never mind, found it");
        try (AgentDesk customer = customer(back.json().get("token").asString(), origin)) {
            JsonNode ended = customer.nextOp("conversation_ended");
            assertThat(ended.get("conversation").asString()).isEqualTo(conv);
            assertThat(ended.get("by").get("kind").asString()).isEqualTo("customer");
            assertThat(ended.get("reason").asString()).isEqualTo("closed_by_customer");
            // An ended conversation takes no new message, and says so; a retry of one stored before the end is still acked.
            JsonNode refused = customer.command("op", "send", "conversation", conv, "clientMessageId", "c-2", "text", "hello again?");
            assertThat(refused.get("code").asString()).as(refused.toString()).isEqualTo("conversation.closed");
            assertThat(refused.get("message").asString()).contains(conv, "not stored");
            assertThat(refused.get("hint").asString()).contains("restart: true");
            JsonNode retried = customer.command("op", "send", "conversation", conv, "clientMessageId", "c-1", "text", "never mind, found it");
            assertThat(retried.get("op").asString()).as(retried.toString()).isEqualTo("ack");
            assertThat(retried.get("duplicate").asBoolean()).isTrue();
        }
        assertThat(texts(http.get("/api/v2/conversations/" + conv + "/messages", back.json().get("token").asString())))
                .containsExactly("Hello from " + dep, "never mind, found it");
        // Coming back is no routing decision: the events are still those of the first visit.
        assertThat(fx.eventKinds(fx.token(fx.agent(queue, 1)), conv)).containsExactly("queued", "closed");

        // Only when the customer asks: a new conversation, same customer, greeted again.
        Reply restarted = guests.session(origin, "deployment", dep, "resume", first.get("resume").asString(), "restart", true);
        assertThat(restarted.status()).as(restarted.body()).isEqualTo(201);
        assertThat(restarted.json().get("conversation").asString()).isNotEqualTo(conv);
        assertThat(restarted.json().get("resumed").asBoolean()).isFalse();
        assertThat(restarted.json().get("ended").asBoolean()).isFalse();
        assertThat(restarted.json().get("customer").get("id").asString()).isEqualTo(first.get("customer").get("id").asString());
        // And the credential now resumes the new one.
        Reply again = guests.session(origin, "deployment", dep, "resume", first.get("resume").asString());
        assertThat(again.json().get("conversation").asString()).isEqualTo(restarted.json().get("conversation").asString());
        assertThat(again.json().get("ended").asBoolean()).isFalse();
    }

    /** The messenger's handshake on the gateway, as the panel makes it. */
    private static AgentDesk customer(String token, String origin) {
        StreamClient c = StreamClient.connect(BASE, BASE);
        GuestSessionIntegrationTests.customer(c, token, origin);
        return new AgentDesk(c);
    }

    private static List<String> texts(Reply history) {
        assertThat(history.status()).as(history.body()).isEqualTo(200);
        return history.json().get("messages").valueStream().map(m -> m.get("text").asString()).toList();
    }
}
