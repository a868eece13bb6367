package org.deskframe.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.deskframe.tokens.VerifiedToken;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Internal notes: agents of a conversation write and read them, live and from history; a customer participant never
 * gets one. The customer's side is proven at messaging's own level, with a guest token's shape: its history, its list
 * and its resume replay are what any customer session is served from.
 */
class InternalNotesIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";
    static final String SECRET = "the customer must never read this";

    @Autowired Conversations conversations;
    @Autowired MemberConversations members;
    @Autowired ConversationLog log;

    private static Member customerMember(String customerId) {
        // The shape of a real guest token (guest capability): scope guest, bound to the customer.
        VerifiedToken token = new VerifiedToken("jti-" + customerId, "customer:" + customerId, null, "demo", "messenger:demo-web",
                "local", BASE, Set.of("guest"), Instant.now(), Instant.now().plusSeconds(600), Set.of(),
                new VerifiedToken.Guest(customerId, "demo-web", null, false));
        return new Member("demo", new Participant(Participant.Kind.CUSTOMER, customerId), token);
    }

    @Test
    void notesReachTheConversationsAgentsLiveAndInHistoryButNeverItsCustomer() {
        String customerId = "guest-" + System.nanoTime();
        Participant customer = new Participant(Participant.Kind.CUSTOMER, customerId);
        Conversation c = conversations.start("demo", Participant.agent("agent1"),
                List.of(Participant.agent("agent2"), customer), "Refund");
        String agent1 = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(agent1, "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            a1.sendFrame("op", "send", "conversation", c.id(), "clientMessageId", "hello-1", "text", "How can I help?");
            a1.nextOp("ack");
            a2.nextOp("message");

            a1.sendFrame("op", "add_note", "id", "n1", "conversation", c.id(), "clientNoteId", "note-1", "text", SECRET);
            JsonNode reply = a1.nextOp("note");
            assertThat(reply.get("id").asString()).isEqualTo("n1");
            assertThat(reply.get("note").get("seq").asLong()).isEqualTo(1);
            assertThat(reply.get("note").get("afterSeq").asLong()).isEqualTo(1);
            assertThat(reply.get("note").get("author").get("displayName").asString()).isEqualTo("Agent One");
            JsonNode pushed = a2.nextOp("note");
            assertThat(pushed.has("id")).isFalse();
            assertThat(pushed.get("note").get("text").asString()).isEqualTo(SECRET);

            // The same client note id again stores nothing new and pushes nothing.
            a1.sendFrame("op", "add_note", "id", "n1-again", "conversation", c.id(), "clientNoteId", "note-1", "text", SECRET);
            assertThat(a1.nextOp("note").get("note").get("seq").asLong()).isEqualTo(1);
            assertThat(a2.poll(Duration.ofMillis(300))).isNull();
        }
        Reply notes = http.get("/api/v2/conversations/" + c.id() + "/notes", agent1);
        assertThat(notes.status()).isEqualTo(200);
        assertThat(notes.json().get("notes").get(0).get("text").asString()).isEqualTo(SECRET);

        // The customer's side: the message log (history, resume replay, live delivery) holds no note, nor does its list.
        Member me = customerMember(customerId);
        assertThat(members.history(me, members.require(me, c.id()), 0, 100)).extracting(m -> m.text())
                .containsExactly("How can I help?");
        assertThat(log.read(c.id(), 0, 100)).noneMatch(m -> m.text().contains(SECRET));
        assertThat(members.list(me).toString()).doesNotContain(SECRET);
        assertThatThrownBy(() -> members.forNotes(me, c.id(), false)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().code()).isEqualTo("participant.not_agent"));
        assertThatThrownBy(() -> members.forNotes(me, c.id(), true)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().message()).contains("customer:" + customerId));
        // Nor does a customer reach what only agents see: canned responses, the agent directory, conversation search.
        assertThatThrownBy(() -> members.cannedResponses(me)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().code()).isEqualTo("participant.not_agent"));
        assertThatThrownBy(() -> members.search(me, "Refund", List.of(), 10, 0)).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().code()).isEqualTo("participant.not_agent"));
        Member withDirectoryScope = new Member("demo", me.participant(), new VerifiedToken("jti-d", "customer:" + customerId, null, "demo",
                "messenger:demo-web", "local", BASE, Set.of("guest", "agents:read"), Instant.now(), Instant.now().plusSeconds(600),
                Set.of(), new VerifiedToken.Guest(customerId, "demo-web", null, false)));
        assertThatThrownBy(() -> members.findAgents(withDirectoryScope, "agent")).isInstanceOfSatisfying(ProblemException.class,
                e -> assertThat(e.problem().code()).isEqualTo("participant.not_agent"));
        // Live: a note goes to the agents' sessions only.
        assertThat(MessageDelivery.noteRecipients(c)).containsExactly("agent:agent1", "agent:agent2");
    }

    @Test
    void anAgentOutsideTheConversationOrOrgCannotReadOrWriteItsNotes() {
        Conversation c = conversations.start("demo", Participant.agent("agent1"), List.of(), "alone");
        Reply foreign = http.get("/api/v2/conversations/" + c.id() + "/notes",
                http.agentToken("acme-backend", "acme-agent1", RW));
        assertThat(foreign.status()).isEqualTo(404);
        try (StreamClient a2 = StreamClient.connect(BASE)) {
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            a2.sendFrame("op", "add_note", "id", "x", "conversation", c.id(), "clientNoteId", "n", "text", "sneaky");
            assertThat(a2.nextOp("error").get("code").asString()).isEqualTo("resource.not_found");
        }
    }
}
