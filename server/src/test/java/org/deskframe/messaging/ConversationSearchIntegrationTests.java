package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Conversation search for agents: by id, message text, participant, and the customer's name and email that another
 * capability attached through {@link ConversationAttributes} (called directly here, as the guest capability will).
 */
class ConversationSearchIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";

    @Autowired Conversations conversations;
    @Autowired ConversationAttributes attributes;

    private List<String> search(String token, String query) {
        Reply r = http.get("/api/v2/conversations/search?" + query, token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("conversations").forEach(c -> ids.add(c.get("id").asString()));
        return ids;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    @Test
    void agentsFindTheirConversationsByCustomerNameEmailTextIdAndParticipant() {
        String marker = "zq" + System.nanoTime();
        Participant customer = new Participant(Participant.Kind.CUSTOMER, "guest-" + marker);
        Conversation withCustomer = conversations.start("demo", Participant.agent("agent1"), List.of(customer), null);
        attributes.describe(withCustomer.id(), Map.of("name", "Ada Lovelace " + marker, "email", marker + "@example.com"));
        assertThat(attributes.of(withCustomer.id())).containsEntry("email", marker + "@example.com");
        Conversation withAgent2 = conversations.start("demo", Participant.agent("agent1"), List.of(Participant.agent("agent2")), null);
        String agent1 = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(agent1, "messaging");
            a1.sendFrame("op", "send", "conversation", withAgent2.id(), "clientMessageId", "s-1", "text", "Invoice " + marker + " is late");
            a1.nextOp("ack");
        }

        assertThat(search(agent1, "q=" + enc("ada lovelace " + marker))).containsExactly(withCustomer.id());
        assertThat(search(agent1, "q=" + enc(marker.toUpperCase() + "@EXAMPLE"))).containsExactly(withCustomer.id());
        assertThat(search(agent1, "q=" + enc("invoice " + marker))).containsExactly(withAgent2.id());
        assertThat(search(agent1, "q=" + withAgent2.id())).containsExactly(withAgent2.id());
        assertThat(search(agent1, "q=" + marker)).containsExactlyInAnyOrder(withCustomer.id(), withAgent2.id());
        assertThat(search(agent1, "q=" + marker + "&participant=agent2")).containsExactly(withAgent2.id());
        assertThat(search(agent1, "q=" + marker + "&participant=customer:guest-" + marker)).containsExactly(withCustomer.id());
        // A LIKE wildcard is a character like any other.
        assertThat(search(agent1, "q=" + enc("%%"))).doesNotContain(withCustomer.id(), withAgent2.id());

        // The customer's attributes name it in the agent's views.
        Reply history = http.get("/api/v2/conversations/" + withCustomer.id() + "/messages", agent1);
        assertThat(history.json().get("participants").toString()).contains("Ada Lovelace " + marker);

        // Only conversations the agent takes part in, only in its org.
        assertThat(search(http.agentToken("demo-backend", "agent2", RW), "q=" + marker)).containsExactly(withAgent2.id());
        assertThat(search(http.agentToken("acme-backend", "acme-agent1", RW), "q=" + marker)).isEmpty();
    }

    @Test
    void searchPagesWithNextAndSaysWhatIsMissing() {
        String marker = "pg" + System.nanoTime();
        List<String> started = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            Conversation c = conversations.start("demo", Participant.agent("agent2"), List.of(), "Page " + marker + " " + i);
            started.add(c.id());
        }
        String agent2 = http.agentToken("demo-backend", "agent2", RW);
        Reply first = http.get("/api/v2/conversations/search?q=" + marker + "&limit=2", agent2);
        assertThat(first.json().get("conversations").size()).isEqualTo(2);
        assertThat(first.json().get("next").asInt()).isEqualTo(2);
        Reply second = http.get("/api/v2/conversations/search?q=" + marker + "&limit=2&offset=2", agent2);
        assertThat(second.json().get("conversations").size()).isEqualTo(1);
        assertThat(second.json().get("next").isNull()).isTrue();
        List<String> all = new ArrayList<>();
        for (JsonNode c : first.json().get("conversations")) all.add(c.get("id").asString());
        all.add(second.json().get("conversations").get(0).get("id").asString());
        assertThat(all).containsExactlyInAnyOrderElementsOf(started);

        Reply nothing = http.get("/api/v2/conversations/search", agent2);
        assertThat(nothing.status()).isEqualTo(400);
        assertThat(nothing.json().get("code").asString()).isEqualTo("search.criteria_missing");
        Reply tooShort = http.get("/api/v2/conversations/search?q=x", agent2);
        assertThat(tooShort.json().get("message").asString()).contains("shorter than 2");
        Reply noScope = http.get("/api/v2/conversations/search?q=" + marker, http.agentToken("demo-backend", "agent2", "voice"));
        assertThat(noScope.status()).isEqualTo(403);
    }

    @Test
    void attributesThatBreakThePortsRulesAreRefusedWithTheirReason() {
        Conversation c = conversations.start("demo", Participant.agent("agent1"), List.of(), null);
        assertThatThrownBy(() -> attributes.describe(c.id(), Map.of("Bad Name", "x")))
                .isInstanceOfSatisfying(ProblemException.class, e -> {
                    assertThat(e.problem().code()).isEqualTo("conversation.attribute_invalid");
                    assertThat(e.problem().message()).contains("'Bad Name' is not an attribute name");
                });
        assertThatThrownBy(() -> attributes.describe(c.id(), Map.of("name", "x".repeat(501))))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().message()).contains("longer than 500"));
        assertThatThrownBy(() -> attributes.describe("c_missing", Map.of("name", "x")))
                .isInstanceOfSatisfying(ProblemException.class, e -> assertThat(e.problem().code()).isEqualTo("resource.not_found"));
        attributes.describe(c.id(), Map.of("name", "First"));
        attributes.describe(c.id(), Map.of("name", ""));
        assertThat(attributes.of(c.id())).doesNotContainKey("name");
    }
}
