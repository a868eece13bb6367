package org.deskframe.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.deskframe.routing.RoutingFixture.text;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Routing over the real gateway and HTTP API (H2): who is offered what and when, offers that time out or are
 * declined, agents that disconnect, transfer, close with wrap-up and after-contact work, and the audit of it all.
 * Each test has queues and agents of its own.
 */
class RoutingIntegrationTests extends DeskframeServerTest {

    @Autowired
    ApplicationContext context;

    RoutingFixture fx;

    @BeforeEach
    void fixture() {
        fx = new RoutingFixture(context, BASE);
    }

    static JsonNode offer(AgentDesk agent) {
        return agent.nextOp("conversation_offered");
    }

    @Test
    void offersGoToTheAgentIdleLongestAndSpreadByLoad() throws Exception {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3), c = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, false); AgentDesk cb = fx.connect(b, false); AgentDesk cc = fx.connect(c, false)) {
            // Available in the order c, a, b: c has been idle longest, then a, then b.
            RoutingFixture.setPresence(cc, "available");
            Thread.sleep(20);
            RoutingFixture.setPresence(ca, "available");
            Thread.sleep(20);
            RoutingFixture.setPresence(cb, "available");
            String c1 = fx.customerConversation(queue);
            assertThat(offer(cc).get("conversation").asString()).isEqualTo(c1);
            String c2 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c2);
            String c3 = fx.customerConversation(queue);
            assertThat(offer(cb).get("conversation").asString()).isEqualTo(c3);
            // Everyone holds one: the next goes to the one idle longest since its last offer, c, then a.
            String c4 = fx.customerConversation(queue);
            JsonNode o4 = offer(cc);
            assertThat(o4.get("conversation").asString()).isEqualTo(c4);
            assertThat(o4.get("queue").asString()).isEqualTo(queue);
            assertThat(o4.get("customer").get("attributes").get("plan").asString()).isEqualTo("gold");
            assertThat(o4.get("expiresAt").asString()).isNotBlank();
            String c5 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c5);
            assertThat(cb.pollOp("conversation_offered", Duration.ofMillis(300))).isNull();
        }
    }

    @Test
    void waitingConversationsAreOfferedStrictlyInArrivalOrder() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 1);
        List<String> arrived = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) arrived.add(fx.customerConversation(queue));
        try (AgentDesk ca = fx.connect(a, true)) {
            List<String> served = new java.util.ArrayList<>();
            for (int i = 0; i < 5; i++) {
                String conv = offer(ca).get("conversation").asString();
                served.add(conv);
                assertThat(ca.command("op", "accept", "conversation", conv).get("op").asString()).isEqualTo("conversation_assigned");
                assertThat(ca.command("op", "close", "conversation", conv).get("op").asString()).isEqualTo("conversation_ended");
            }
            assertThat(served).containsExactlyElementsOf(arrived);
        }
    }

    @Test
    void waitingWorkIsOfferedTheMomentCapacityFreesOrAnAgentBecomesAvailable() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 1);
        try (AgentDesk ca = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue), c2 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            JsonNode assigned = ca.command("op", "accept", "conversation", c1);
            assertThat(assigned.get("op").asString()).as(assigned.toString()).isEqualTo("conversation_assigned");
            // At capacity: c2 waits.
            assertThat(ca.pollOp("conversation_offered", Duration.ofMillis(700))).isNull();
            JsonNode ended = ca.command("op", "close", "conversation", c1);
            assertThat(ended.get("op").asString()).as(ended.toString()).isEqualTo("conversation_ended");
            long closedAt = System.nanoTime();
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c2);
            assertThat(Duration.ofNanos(System.nanoTime() - closedAt)).isLessThan(Duration.ofMillis(900));
            // Away withdraws the open offer; available offers it again at once.
            RoutingFixture.setPresence(ca, "away");
            JsonNode withdrawn = ca.nextOp("offer_withdrawn");
            assertThat(withdrawn.get("conversation").asString()).isEqualTo(c2);
            assertThat(withdrawn.get("reason").asString()).isEqualTo("presence");
            RoutingFixture.setPresence(ca, "available");
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c2);
        }
    }

    @Test
    void aMemberAddedOrCapacityRaisedTakesWaitingWorkAtOnce() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(null, 0);
        try (AgentDesk ca = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue), c2 = fx.customerConversation(queue);
            fx.routing().addMember("demo", queue, a.id());
            // Capacity 0: still nothing.
            assertThat(ca.pollOp("conversation_offered", Duration.ofMillis(500))).isNull();
            fx.routing().configureAgent("demo", a.id(), 2, null);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c2);
        }
    }

    @Test
    void anOfferThatTimesOutGoesToTheNextAgentAndTheIgnoredAgentCannotAcceptIt() {
        String queue = fx.queue(RoutingFixture.offersFor(1));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true); AgentDesk cb = fx.connect(b, true)) {
            String c1 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            JsonNode withdrawn = ca.nextOp("offer_withdrawn");
            assertThat(withdrawn.get("reason").asString()).isEqualTo("timeout");
            assertThat(offer(cb).get("conversation").asString()).isEqualTo(c1);
            JsonNode late = ca.command("op", "accept", "conversation", c1);
            assertThat(late.get("code").asString()).as(late.toString()).isEqualTo("offer.expired");
            assertThat(cb.command("op", "accept", "conversation", c1).get("op").asString()).isEqualTo("conversation_assigned");
            assertThat(fx.eventKinds(fx.token(a), c1)).containsExactly("queued", "offered", "timed_out", "offered", "accepted");
        }
    }

    @Test
    void whenTheAgentThatHoldsAConversationAcceptsItAgainThenItIsToldItHoldsItAndNothingIsDecidedTwice() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            assertThat(ca.command("op", "accept", "conversation", c1).get("op").asString()).isEqualTo("conversation_assigned");
            // Its answer lost (a connection gone, a commit whose outcome the node could not tell): the same accept again.
            JsonNode again = ca.command("op", "accept", "conversation", c1);
            assertThat(again.get("op").asString()).as(again.toString()).isEqualTo("conversation_assigned");
            assertThat(again.get("conversation").asString()).isEqualTo(c1);
            assertThat(fx.eventKinds(fx.token(a), c1)).containsExactly("queued", "offered", "accepted");
            // Another agent's accept of it is still refused.
            try (AgentDesk cb = fx.connect(b, false)) {
                assertThat(cb.command("op", "accept", "conversation", c1).get("code").asString()).isEqualTo("offer.expired");
            }
        }
    }

    @Test
    void anAgentWhoIgnoresOffersInARowIsSetAway() {
        String queue = fx.queue(RoutingFixture.offersFor(1));
        Agent a = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true)) {
            // Three conversations, each offered to a alone and ignored (3 = deskframe.routing.ignored-offers-before-away).
            for (int i = 0; i < 3; i++) fx.customerConversation(queue);
            JsonNode away = ca.next(f -> "presence".equals(text(f, "op")) && "away".equals(text(f, "status")), Duration.ofSeconds(15));
            assertThat(away.get("agent").asString()).isEqualTo(a.id());
        }
    }

    @Test
    void aDeclinedOfferGoesToTheNextAgentBeforeItComesBackToTheOneWhoDeclined() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true); AgentDesk cb = fx.connect(b, true)) {
            String c1 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            JsonNode declined = ca.command("op", "decline", "conversation", c1);
            assertThat(declined.get("op").asString()).isEqualTo("offer_withdrawn");
            assertThat(declined.get("reason").asString()).isEqualTo("declined");
            assertThat(offer(cb).get("conversation").asString()).isEqualTo(c1);
            assertThat(ca.pollOp("conversation_offered", Duration.ofMillis(500))).as("not back to a while b may take it").isNull();
            cb.command("op", "decline", "conversation", c1);
            // Both passed: it goes round again rather than wait for nobody (a, who passed first, is idle longer).
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
        }
    }

    @Test
    void anAgentThatDisconnectsMidOfferLosesTheOfferToTheNextAgentAndSeesOpenOffersOnReconnect() {
        String queue = fx.queue(RoutingFixture.offersFor(2));
        Agent a = fx.agent(queue, 3), b = fx.agent(queue, 3);
        AgentDesk ca = fx.connect(a, true);
        try (AgentDesk cb = fx.connect(b, true)) {
            String c1 = fx.customerConversation(queue);
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            // A reconnecting widget is told the offer still open, with its original expiry.
            try (StreamClient again = StreamClient.connect(BASE)) {
                again.authenticate(fx.token(a), "messaging");
                assertThat(again.nextOp("conversation_offered").get("conversation").asString()).isEqualTo(c1);
            }
            ca.abort();
            assertThat(offer(cb).get("conversation").asString()).isEqualTo(c1);
            assertThat(cb.command("op", "accept", "conversation", c1).get("op").asString()).isEqualTo("conversation_assigned");
        }
    }

    @Test
    void aTransferKeepsTheWholeTranscriptSaysWhoTransferredAndTheOldAgentCanNoLongerAct() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3), b = fx.agent(null, 3);
        try (AgentDesk ca = fx.connect(a, true); AgentDesk cb = fx.connect(b, true)) {
            String c1 = fx.customerConversation(queue);
            offer(ca);
            ca.command("op", "accept", "conversation", c1);
            var conversation = context.getBean(Conversations.class).findFor("demo", Participant.agent(a.id()), c1).orElseThrow();
            Participant customer = conversation.participants().stream().filter(p -> p.kind() == Participant.Kind.CUSTOMER).findFirst().orElseThrow();
            context.getBean(ConversationLog.class).append(conversation, customer, "cm-1", "my order is late").join();
            // The agent receives the customer's message: it is a participant now.
            assertThat(ca.nextOp("message").get("text").asString()).isEqualTo("my order is late");
            ca.sendFrame("op", "send", "id", "s1", "conversation", c1, "clientMessageId", "am-1", "text", "let me check");
            assertThat(ca.nextOp("ack").get("seq").asLong()).isEqualTo(2);

            JsonNode transferred = ca.command("op", "transfer", "conversation", c1, "agent", b.id());
            assertThat(transferred.get("op").asString()).as(transferred.toString()).isEqualTo("conversation_transferred");
            assertThat(transferred.get("to").get("id").asString()).isEqualTo(b.id());
            assertThat(cb.nextOp("conversation_transferred").get("by").get("id").asString()).isEqualTo(a.id());
            assertThat(cb.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c1);

            TestClient.Reply history = http.get("/api/v2/conversations/" + c1 + "/messages", fx.token(b));
            assertThat(history.status()).as(history.body()).isEqualTo(200);
            List<String> texts = history.json().get("messages").valueStream().map(m -> m.get("text").asString()).toList();
            assertThat(texts).containsExactly("my order is late", "let me check",
                    "Agent " + a.id() + " transferred the conversation to Agent " + b.id() + ".");
            assertThat(history.json().get("messages").get(2).get("sender").get("kind").asString()).isEqualTo("system");

            JsonNode notMine = ca.command("op", "close", "conversation", c1);
            assertThat(notMine.get("code").asString()).as(notMine.toString()).isEqualTo("conversation.not_assigned");
            assertThat(http.get("/api/v2/conversations/" + c1 + "/messages", fx.token(a)).status()).isEqualTo(404);
            assertThat(cb.command("op", "close", "conversation", c1).get("op").asString()).isEqualTo("conversation_ended");
            assertThat(fx.eventKinds(fx.token(b), c1)).containsExactly("queued", "offered", "accepted", "transferred", "closed");
        }
    }

    @Test
    void anAgentSessionThatOpensIsToldTheConversationsAssignedToItSoAReloadedDesktopCanStillCloseThem() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3);
        String c1;
        try (AgentDesk ca = fx.connect(a, true)) {
            c1 = fx.customerConversation(queue);
            offer(ca);
            assertThat(ca.command("op", "accept", "conversation", c1).get("op").asString()).isEqualTo("conversation_assigned");
        }
        try (AgentDesk again = fx.connect(a, false)) {
            JsonNode assigned = again.nextOp("conversation_assigned");
            assertThat(assigned.get("conversation").asString()).isEqualTo(c1);
            assertThat(assigned.get("customer").get("attributes").get("plan").asString()).isEqualTo("gold");
            assertThat(text(assigned, "id")).isNull();
            assertThat(again.command("op", "close", "conversation", c1).get("op").asString()).isEqualTo("conversation_ended");
        }
        // Closed: the next session is told nothing about it.
        try (AgentDesk later = fx.connect(a, false)) {
            assertThat(later.pollOp("conversation_assigned", Duration.ofMillis(500))).isNull();
        }
    }

    @Test
    void aNewAgentSessionIsToldItsPresenceThenItsOpenOffersThenItsAssignmentsInArrivalOrderRightAfterReady() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3);
        String c1, c2, c3;
        JsonNode offered3;
        try (AgentDesk ca = fx.connect(a, true)) {
            c1 = fx.customerConversation(queue);
            offer(ca);
            ca.command("op", "accept", "conversation", c1);
            c2 = fx.customerConversation(queue);
            offer(ca);
            ca.command("op", "accept", "conversation", c2);
            c3 = fx.customerConversation(queue);
            offered3 = offer(ca);
            try (StreamClient again = StreamClient.connect(BASE)) {
                again.authenticate(fx.token(a), "messaging");
                JsonNode presence = again.next();
                assertThat(presence.get("op").asString()).as(presence.toString()).isEqualTo("presence");
                assertThat(presence.get("status").asString()).isEqualTo("available");
                assertThat(text(presence, "id")).isNull();
                // The offer as it was pushed (its expiry as the database keeps it, to the microsecond), then what the
                // agent holds, oldest first.
                JsonNode offered = again.next();
                assertThat(offered.get("op").asString()).isEqualTo("conversation_offered");
                for (String field : List.of("conversation", "customer", "queue")) {
                    assertThat(offered.get(field)).as(field).isEqualTo(offered3.get(field));
                }
                assertThat(Duration.between(java.time.Instant.parse(offered3.get("expiresAt").asString()),
                        java.time.Instant.parse(offered.get("expiresAt").asString())).abs()).isLessThan(Duration.ofMillis(1));
                assertThat(offered.propertyNames()).containsExactlyElementsOf(offered3.propertyNames());
                List<JsonNode> assigned = List.of(again.next(), again.next());
                assertThat(assigned).extracting(f -> f.get("op").asString()).containsExactly("conversation_assigned", "conversation_assigned");
                assertThat(assigned).extracting(f -> f.get("conversation").asString()).containsExactly(c1, c2);
                assertThat(assigned).allSatisfy(f -> {
                    assertThat(text(f, "id")).isNull();
                    assertThat(f.get("queue").asString()).isEqualTo(queue);
                    assertThat(f.get("customer").get("attributes").get("plan").asString()).isEqualTo("gold");
                });
                assertThat(again.nextWithin(f -> !"ping".equals(f.get("op").asString()), Duration.ofMillis(500))).as("nothing more after its standing").isNull();
            }
        }
        assertThat(c3).isEqualTo(offered3.get("conversation").asString());
    }

    @Test
    void aTransferToAQueuePutsItAtTheEndOfThatQueue() {
        String first = fx.queue(RoutingFixture.offersFor(30)), second = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(first, 3), b = fx.agent(second, 3);
        try (AgentDesk ca = fx.connect(a, true); AgentDesk cb = fx.connect(b, true)) {
            String c1 = fx.customerConversation(first);
            offer(ca);
            ca.command("op", "accept", "conversation", c1);
            JsonNode t = ca.command("op", "transfer", "conversation", c1, "queue", second);
            assertThat(t.get("to").get("kind").asString()).isEqualTo("queue");
            assertThat(offer(cb).get("conversation").asString()).isEqualTo(c1);
        }
    }

    @Test
    void closingNeedsTheQueuesWrapUpCodeAndStartsAfterContactWork() {
        String queue = fx.queue(new QueueRouting.QueueConfig.Update(30, true, true,
                List.of(new QueueRouting.WrapUpCode("resolved", "Resolved"), new QueueRouting.WrapUpCode("escalated", null)), 1, null));
        Agent a = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, true)) {
            String c1 = fx.customerConversation(queue);
            assertThat(ca.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c1);
            JsonNode missing = ca.command("op", "close", "conversation", c1);
            assertThat(missing.get("code").asString()).as(missing.toString()).isEqualTo("wrapup.required");
            assertThat(missing.get("hint").asString()).contains("escalated, resolved");
            JsonNode unknown = ca.command("op", "close", "conversation", c1, "wrapUp", "fixed");
            assertThat(unknown.get("code").asString()).isEqualTo("wrapup.unknown");
            JsonNode closed = ca.command("op", "close", "conversation", c1, "wrapUp", "resolved");
            assertThat(closed.get("op").asString()).isEqualTo("conversation_ended");
            assertThat(closed.get("wrapUp").asString()).isEqualTo("resolved");
            assertThat(ca.nextOp("presence").get("status").asString()).isEqualTo("after_contact_work");
            // Work arriving during after-contact work waits for its end (1 s).
            String c2 = fx.customerConversation(queue);
            assertThat(ca.nextOp("presence").get("status").asString()).isEqualTo("available");
            assertThat(ca.nextOp("conversation_assigned").get("conversation").asString()).isEqualTo(c2);
            TestClient.Reply events = http.get("/api/v2/conversations/" + c1 + "/events", fx.token(a));
            JsonNode last = events.json().get("events").get(2);
            assertThat(last.get("kind").asString()).isEqualTo("closed");
            assertThat(last.get("by").asString()).isEqualTo("agent:" + a.id());
            assertThat(last.get("detail").asString()).isEqualTo("wrap-up resolved");
        }
    }

    @Test
    void theEventsApiIsOrgScopedAndNeedsRoutingRead() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        String c1 = fx.customerConversation(queue);
        Agent a = fx.agent(queue, 3);
        assertThat(fx.eventKinds(fx.token(a), c1)).containsExactly("queued");
        String acme = http.agentToken("acme-backend", "acme-agent1", RoutingFixture.AGENT_SCOPES);
        TestClient.Reply foreign = http.get("/api/v2/conversations/" + c1 + "/events", acme);
        TestClient.Reply missing = http.get("/api/v2/conversations/c_nope/events", acme);
        assertThat(foreign.status()).isEqualTo(404);
        assertThat(foreign.json().get("message").asString().replace(c1, "X"))
                .isEqualTo(missing.json().get("message").asString().replace("c_nope", "X"));
        TestClient.Reply noScope = http.get("/api/v2/conversations/" + c1 + "/events",
                http.agentToken("demo-backend", a.username(), "messaging:read"));
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.json().get("code").asString()).isEqualTo("token.scope_missing");
    }

    @Test
    void badCommandsGetTheirCatalogueCodes() {
        String queue = fx.queue(RoutingFixture.offersFor(30));
        Agent a = fx.agent(queue, 3);
        try (AgentDesk ca = fx.connect(a, false)) {
            JsonNode bad = ca.command("op", "set_presence", "status", "after_contact_work");
            assertThat(bad.get("code").asString()).isEqualTo("presence.invalid");
            assertThat(bad.get("hint").asString()).contains("available, away, busy, offline");
            assertThat(ca.command("op", "set_presence", "status", "sleeping").get("code").asString()).isEqualTo("presence.invalid");
            String c1 = fx.customerConversation(queue);
            assertThat(ca.command("op", "accept", "conversation", c1).get("code").asString()).isEqualTo("offer.expired");
            assertThat(ca.command("op", "close", "conversation", c1).get("code").asString()).isEqualTo("conversation.not_assigned");
            assertThat(ca.command("op", "accept", "conversation", "c_nope").get("code").asString()).isEqualTo("resource.not_found");
            JsonNode both = ca.command("op", "transfer", "conversation", c1, "agent", "x", "queue", "y");
            assertThat(both.get("code").asString()).isEqualTo("protocol.bad_frame");
        }
        try (StreamClient raw = StreamClient.connect(BASE)) {
            raw.authenticate(http.agentToken("demo-backend", a.username(), "messaging:read messaging:write"), "messaging");
            JsonNode refused = new AgentDesk(raw).command("op", "set_presence", "status", "available");
            assertThat(refused.get("code").asString()).isEqualTo("token.scope_missing");
        }
    }

    @Test
    void theCustomerLearnsItsPlaceInTheQueue() {
        // Customers' sessions come with the guest capability: the place pushed to customer:<id> is read from the row
        // that records what was announced.
        var jdbc = context.getBean(org.springframework.jdbc.core.simple.JdbcClient.class);
        java.util.function.Function<String, Integer> announced = conv -> jdbc.sql(
                "select announced_position from routing_work where conversation_id = ?").param(conv).query(Integer.class).optional().orElse(null);
        String queue = fx.queue(RoutingFixture.offersFor(30));
        String c1 = fx.customerConversation(queue), c2 = fx.customerConversation(queue), c3 = fx.customerConversation(queue);
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(List.of(announced.apply(c1), announced.apply(c2),
                announced.apply(c3))).containsExactly(1, 2, 3));
        Agent a = fx.agent(queue, 1);
        try (AgentDesk ca = fx.connect(a, true)) {
            assertThat(offer(ca).get("conversation").asString()).isEqualTo(c1);
            // c1 is offered (no place any more); the others moved up.
            await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
                assertThat(announced.apply(c1)).isNull();
                assertThat(announced.apply(c2)).isEqualTo(1);
                assertThat(announced.apply(c3)).isEqualTo(2);
            });
        }
    }

    @Test
    void adminsConfigureQueuesMembersAndCapacityOverTheAdminApiWithinTheirOrgOnly() {
        String admin = http.clientToken("demo-admin", "admin");
        String queue = RoutingFixture.unique("aq");
        assertThat(http.send("POST", "/api/v2/admin/orgs/demo/queues", admin,
                TestClient.JSON.writeValueAsString(Map.of("id", queue, "name", "Billing"))).status()).isEqualTo(201);
        TestClient.Reply defaults = http.get("/api/v2/admin/orgs/demo/queues/" + queue + "/routing", admin);
        assertThat(defaults.status()).as(defaults.body()).isEqualTo(200);
        assertThat(defaults.json().get("offerTimeoutSeconds").asInt()).isEqualTo(30);
        assertThat(defaults.json().get("autoAccept").asBoolean()).isFalse();
        assertThat(defaults.json().get("wrapUpRequired").asBoolean()).isFalse();
        assertThat(defaults.json().get("afterContactWorkSeconds").asInt()).isZero();
        TestClient.Reply changed = http.send("PUT", "/api/v2/admin/orgs/demo/queues/" + queue + "/routing", admin,
                "{\"offerTimeoutSeconds\":10,\"wrapUpRequired\":true,\"wrapUpCodes\":[{\"code\":\"resolved\",\"label\":\"Resolved\"}]}");
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("offerTimeoutSeconds").asInt()).isEqualTo(10);
        assertThat(changed.json().get("wrapUpCodes").get(0).get("code").asString()).isEqualTo("resolved");
        TestClient.Reply noCodes = http.send("PUT", "/api/v2/admin/orgs/demo/queues/" + queue + "/routing", admin,
                "{\"wrapUpCodes\":[]}");
        assertThat(noCodes.status()).isEqualTo(400);
        assertThat(noCodes.json().get("code").asString()).isEqualTo("request.invalid");

        Agent a = fx.agent(null, 3);
        TestClient.Reply member = http.send("PUT", "/api/v2/admin/orgs/demo/queues/" + queue + "/members/" + a.id(), admin, null);
        assertThat(member.status()).as(member.body()).isEqualTo(200);
        TestClient.Reply members = http.get("/api/v2/admin/orgs/demo/queues/" + queue + "/members", admin);
        assertThat(members.json().get(0).get("agentId").asString()).isEqualTo(a.id());
        assertThat(members.json().get(0).get("capacity").asInt()).isEqualTo(3);
        TestClient.Reply capacity = http.send("PUT", "/api/v2/admin/orgs/demo/agents/" + a.id() + "/routing", admin, "{\"capacity\":5}");
        assertThat(capacity.json().get("capacity").asInt()).isEqualTo(5);
        assertThat(http.send("PUT", "/api/v2/admin/orgs/demo/agents/" + a.id() + "/routing", admin, "{\"capacity\":1000}").status()).isEqualTo(400);

        // Another organisation's queue and agent look like missing ones, and stay unchanged.
        assertThat(http.get("/api/v2/admin/orgs/demo/queues/acme-support/routing", admin).status()).isEqualTo(404);
        assertThat(http.send("PUT", "/api/v2/admin/orgs/demo/queues/" + queue + "/members/acme-agent1", admin, null).status()).isEqualTo(404);
        assertThat(http.get("/api/v2/admin/orgs/acme/queues/acme-support/members", admin).status()).isEqualTo(404);
        assertThat(http.send("DELETE", "/api/v2/admin/orgs/demo/queues/" + queue + "/members/" + a.id(), admin, null).status()).isEqualTo(204);
        assertThat(http.get("/api/v2/admin/orgs/demo/queues/" + queue + "/members", admin).json().size()).isZero();
    }

    @Test
    void theDemoQueueRoutesToAgent1AndAgent2() {
        String admin = http.clientToken("demo-admin", "admin");
        TestClient.Reply members = http.get("/api/v2/admin/orgs/demo/queues/demo-support/members", admin);
        assertThat(members.json().valueStream().map(m -> m.get("agentId").asString()).toList()).containsExactly("agent1", "agent2");
    }
}
