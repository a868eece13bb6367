package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * Promises of docs/protocol.md that no other test checked: the per-agent send limit stores nothing it refuses, receipts
 * never move backwards, and a bad token in an in-place refresh leaves the session running on its current one.
 */
class MessagingPromisesIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";

    @Autowired
    AgentDirectory agents;

    private String freshAgent() {
        String id = "promise-" + Long.toString(System.nanoTime(), 36);
        agents.create(new AgentDirectory.NewAgent(id, "demo", id, null, "Promise", null, Set.of("agent"), true));
        return id;
    }

    private static String start(StreamClient s, String other) {
        s.sendFrame("op", "start_conversation", "id", "start", "agents", List.of(other), "subject", "promises");
        return s.nextOp("conversation").get("conversation").get("id").asString();
    }

    @Test
    void sendsOverTheAgentsLimitAcrossItsSessionsAreRefusedWithTheirIdsAndNeverStored() {
        String agent = freshAgent();
        String token = http.agentToken("demo-backend", agent, RW);
        try (StreamClient one = StreamClient.connect(BASE); StreamClient two = StreamClient.connect(BASE)) {
            one.authenticate(token, "messaging");
            two.authenticate(token, "messaging");
            String conv = start(one, "agent2");
            // 180 sends at once from two sessions: within each connection's frame allowance (bursts of 100), over the
            // agent's send allowance (50/s, bursts of 100) across both.
            for (int i = 0; i < 90; i++) {
                one.sendFrame("op", "send", "id", "a" + i, "conversation", conv, "clientMessageId", "a" + i, "text", "x");
                two.sendFrame("op", "send", "id", "b" + i, "conversation", conv, "clientMessageId", "b" + i, "text", "x");
            }
            Map<String, String> outcome = new HashMap<>();
            for (StreamClient s : List.of(one, two)) {
                while (outcome.size() < (s == one ? 90 : 180)) {
                    JsonNode f = s.next(r -> r.has("id") && ("ack".equals(r.get("op").asString()) || "error".equals(r.get("op").asString())),
                            Duration.ofSeconds(10));
                    String previous = outcome.put(f.get("id").asString(), f.get("op").asString().equals("ack") ? "ack" : f.get("code").asString());
                    assertThat(previous).as("one reply per send").isNull();
                }
            }
            assertThat(outcome).hasSize(180);
            assertThat(new HashSet<>(outcome.values())).isSubsetOf(Set.of("ack", "rate.limited")).contains("ack", "rate.limited");
            List<String> acked = outcome.entrySet().stream().filter(e -> e.getValue().equals("ack")).map(Map.Entry::getKey).sorted().toList();

            JsonNode history = http.get("/api/v2/conversations/" + conv + "/messages?limit=500", token).json();
            List<String> stored = new ArrayList<>();
            history.get("messages").forEach(m -> stored.add(m.get("clientMessageId").asString()));
            assertThat(stored).containsExactlyInAnyOrderElementsOf(acked);
        }
    }

    @Test
    void aReceiptBelowTheStoredPositionChangesNothing() {
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            String conv = start(a1, "agent2");
            for (int i = 1; i <= 3; i++) {
                a1.sendFrame("op", "send", "id", "s" + i, "conversation", conv, "clientMessageId", "m" + i, "text", "x");
                a1.nextOp("ack");
            }
            receipt(a1, conv, 3);
            receipt(a1, conv, 1);
            a1.sendFrame("op", "list_conversations", "id", "l");
            JsonNode list = a1.next(f -> "l".equals(f.path("id").asString()), Duration.ofSeconds(3));
            JsonNode mine = null;
            for (JsonNode c : list.get("conversations")) if (c.get("id").asString().equals(conv)) mine = c;
            assertThat(mine).as("the conversation is listed").isNotNull();
            assertThat(mine.get("readSeq").asLong()).isEqualTo(3);
        }
    }

    @Test
    void aRefreshWithABadTokenIsAnsweredWithItsErrorAndTheSessionKeepsRunning() {
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1.sendFrame("op", "refresh", "id", "r1", "token", "not-a-jwt");
            JsonNode error = a1.next(f -> "r1".equals(f.path("id").asString()), Duration.ofSeconds(3));
            assertThat(error.get("op").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo("token.malformed");
            a1.sendFrame("op", "list_conversations", "id", "after");
            assertThat(a1.next(f -> "after".equals(f.path("id").asString()), Duration.ofSeconds(3)).get("op").asString())
                    .isEqualTo("conversations");
            assertThat(a1.isClosed()).isFalse();
        }
    }

    private static void receipt(StreamClient s, String conv, long seq) {
        String id = "rc" + seq;
        s.sendFrame("op", "receipt", "id", id, "conversation", conv, "kind", "read", "seq", seq);
        assertThat(s.next(f -> id.equals(f.path("id").asString()), Duration.ofSeconds(3)).get("op").asString()).isEqualTo("receipt_ok");
    }
}
