package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Someone outside a conversation (an agent of another org, or of the same org who takes no part in it) learns nothing
 * of it from typing, receipts, resume or the list: every answer is the one a conversation that does not exist gets,
 * and its participants receive nothing from the intruder.
 */
class ConversationIsolationIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";
    static final String MISSING = "c_doesnotexist00";

    @Autowired
    AgentDirectory agents;

    private String outsider;

    @BeforeEach
    void sameOrgOutsider() {
        outsider = "outsider-" + Long.toString(System.nanoTime(), 36);
        agents.create(new AgentDirectory.NewAgent(outsider, "demo", outsider, null, "Outsider", null, Set.of("agent"), true));
    }

    @Test
    void anotherOrgsAgentGetsTheAnswersOfAConversationThatDoesNotExist() {
        assertIsolated(http.agentToken("acme-backend", "acme-agent1", RW));
    }

    @Test
    void aSameOrgAgentWhoTakesNoPartGetsTheAnswersOfAConversationThatDoesNotExist() {
        assertIsolated(http.agentToken("demo-backend", outsider, RW));
    }

    private void assertIsolated(String intruderToken) {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE);
             StreamClient intruder = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "start", "agents", List.of("agent2"), "subject", "private");
            String conv = a1.nextOp("conversation").get("conversation").get("id").asString();
            a2.nextOp("conversation");
            a1.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "secret");
            a1.nextOp("ack");
            a2.nextOp("message");
            intruder.authenticate(intruderToken, "messaging");

            // typing and receipt: the error a missing conversation gets, word for word but for the id.
            for (String op : List.of("typing", "receipt")) {
                JsonNode onReal = command(intruder, op, conv);
                JsonNode onMissing = command(intruder, op, MISSING);
                assertThat(onReal.get("op").asString()).as(op).isEqualTo("error");
                assertThat(onReal.get("code").asString()).as(op).isEqualTo(onMissing.get("code").asString()).isEqualTo("resource.not_found");
                assertThat(onReal.get("message").asString().replace(conv, "ID"))
                        .isEqualTo(onMissing.get("message").asString().replace(MISSING, "ID"));
                assertThat(onReal.get("hint").asString().replace(conv, "ID"))
                        .isEqualTo(onMissing.get("hint").asString().replace(MISSING, "ID"));
            }

            // resume: unknown, like a missing one, and no message replayed.
            intruder.sendFrame("op", "resume", "id", "rs", "positions", Map.of(conv, 0, MISSING, 0));
            JsonNode first = intruder.next(f -> "caught_up".equals(f.get("op").asString()), Duration.ofSeconds(3));
            JsonNode second = intruder.next(f -> "caught_up".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(List.of(first.get("status").asString(), second.get("status").asString())).containsOnly("unknown");

            // list: not there.
            intruder.sendFrame("op", "list_conversations", "id", "l1");
            JsonNode list = intruder.next(f -> "l1".equals(f.path("id").asString()), Duration.ofSeconds(3));
            assertThat(list.toString()).doesNotContain(conv).doesNotContain("secret");
            assertThat(intruder.drain()).noneMatch(f -> "message".equals(f.get("op").asString()));

            // The participants got nothing from the intruder: no typing, no receipt, and no position recorded for it.
            org.awaitility.Awaitility.await().pollDelay(Duration.ofMillis(300)).until(() -> true);
            for (StreamClient p : List.of(a1, a2)) {
                assertThat(p.drain()).noneMatch(f -> "typing".equals(f.get("op").asString()) || "receipt".equals(f.get("op").asString()));
            }
            a1.sendFrame("op", "list_conversations", "id", "l2");
            JsonNode own = a1.next(f -> "l2".equals(f.path("id").asString()), Duration.ofSeconds(3));
            assertThat(own.toString()).contains(conv).doesNotContain(outsider).doesNotContain("acme-agent1");
        }
    }

    private static JsonNode command(StreamClient s, String op, String conversation) {
        String id = op + "-" + conversation;
        if (op.equals("typing")) s.sendFrame("op", "typing", "id", id, "conversation", conversation);
        else s.sendFrame("op", "receipt", "id", id, "conversation", conversation, "kind", "read", "seq", 1);
        return s.next(f -> id.equals(f.path("id").asString()), Duration.ofSeconds(3));
    }
}
