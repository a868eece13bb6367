package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Conversations over the real gateway: acks after durability, live delivery, idempotency, resume, isolation. */
class MessagingIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";

    private String startConversation(StreamClient from, String... others) {
        from.sendFrame("op", "start_conversation", "id", "start", "agents", List.of(others), "subject", "test");
        JsonNode reply = from.nextOp("conversation");
        return reply.get("conversation").get("id").asString();
    }

    @Test
    void whenAgentSendsThenAckCarriesSeqAndBothSidesReceiveItOnce() {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a1Elsewhere = StreamClient.connect(BASE);
             StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1Elsewhere.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            String conv = startConversation(a1, "agent2");
            assertThat(a2.nextOp("conversation").get("conversation").get("id").asString()).isEqualTo(conv);

            a1.sendFrame("op", "send", "id", "s1", "conversation", conv, "clientMessageId", "m-1", "text", "hello");
            // A retried send (same client message id) is acknowledged as a duplicate and stored once.
            a1.sendFrame("op", "send", "id", "s1-retry", "conversation", conv, "clientMessageId", "m-1", "text", "hello");
            a1.sendFrame("op", "send", "id", "s2", "conversation", conv, "clientMessageId", "m-2", "text", "second");
            List<JsonNode> senderFrames = framesUntil(a1, 3, 2);
            List<JsonNode> acks = senderFrames.stream().filter(f -> "ack".equals(f.get("op").asString())).toList();
            assertThat(acks).extracting(f -> f.get("id").asString()).containsExactly("s1", "s1-retry", "s2");
            assertThat(acks).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 1L, 2L);
            assertThat(acks).extracting(f -> f.get("duplicate").asBoolean()).containsExactly(false, true, false);

            // Every session of every participant, the sender's own included, gets each message once, in order.
            for (List<JsonNode> frames : List.of(senderFrames, framesUntil(a1Elsewhere, 0, 2), framesUntil(a2, 0, 2))) {
                List<JsonNode> messages = frames.stream().filter(f -> "message".equals(f.get("op").asString())).toList();
                assertThat(messages).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L);
                assertThat(messages).extracting(f -> f.get("clientMessageId").asString()).containsExactly("m-1", "m-2");
                assertThat(messages.getFirst().get("text").asString()).isEqualTo("hello");
                assertThat(messages.getFirst().get("sender").get("id").asString()).isEqualTo("agent1");
            }
            // The duplicate was not delivered again: nothing more arrives on any of them.
            for (StreamClient c : List.of(a1, a1Elsewhere, a2)) {
                JsonNode extra = c.nextWithin(f -> "message".equals(f.get("op").asString()), Duration.ofMillis(300));
                assertThat(extra).isNull();
            }
        }
    }

    /** Frames (pings aside) until {@code acks} acks and {@code messages} message frames have arrived. */
    private static List<JsonNode> framesUntil(StreamClient client, int acks, int messages) {
        List<JsonNode> frames = new ArrayList<>();
        int a = 0, m = 0;
        while (a < acks || m < messages) {
            JsonNode f = client.next();
            frames.add(f);
            if ("ack".equals(f.get("op").asString())) a++;
            if ("message".equals(f.get("op").asString())) m++;
        }
        return frames;
    }

    @Test
    void whenAgentReconnectsWithItsLastSeqThenItGetsExactlyWhatItMissedThenCaughtUp() {
        String conv;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            conv = startConversation(a1, "agent2");
            for (int i = 1; i <= 5; i++) {
                a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "r-" + i, "text", "msg " + i);
                assertThat(a1.nextOp("ack").get("seq").asLong()).isEqualTo(i);
            }
        }
        try (StreamClient a2 = StreamClient.connect(BASE)) {
            a2.sendFrame("op", "authenticate", "id", "auth", "token", http.agentToken("demo-backend", "agent2", RW),
                    "widget", "messaging", "resume", Map.of(conv, 2));
            assertThat(a2.next().get("op").asString()).isEqualTo("ready");
            for (int expected = 3; expected <= 5; expected++) {
                JsonNode m = a2.next();
                assertThat(m.get("op").asString()).isEqualTo("message");
                assertThat(m.get("seq").asLong()).isEqualTo(expected);
            }
            JsonNode caughtUp = a2.next();
            assertThat(caughtUp.get("op").asString()).isEqualTo("caught_up");
            assertThat(caughtUp.get("status").asString()).isEqualTo("ok");
            assertThat(caughtUp.get("seq").asLong()).isEqualTo(5);
        }
    }

    @Test
    void whenResumePositionCannotBeServedThenItIsFlaggedNotSkipped() {
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            String conv = startConversation(a1, "agent2");
            // Wider than any lost write could be (LostSequenceIntegrationTests covers the narrower claims, which seal).
            a1.sendFrame("op", "resume", "id", "r", "positions", Map.of(conv, 1_000_000, "c_doesnotexist", 0));
            JsonNode first = a1.nextOp("caught_up");
            JsonNode second = a1.nextOp("caught_up");
            Map<String, JsonNode> byConv = Map.of(first.get("conversation").asString(), first, second.get("conversation").asString(), second);
            assertThat(byConv.get(conv).get("status").asString()).isEqualTo("position_ahead");
            assertThat(byConv.get(conv).get("seq").asLong()).isZero();
            assertThat(byConv.get("c_doesnotexist").get("status").asString()).isEqualTo("unknown");
        }
    }

    @Test
    void whenAnotherOrgsAgentTouchesAConversationThenItLooksLikeItDoesNotExist() {
        String conv;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            conv = startConversation(a1, "agent2");
        }
        String acme = http.agentToken("acme-backend", "acme-agent1", RW);
        try (StreamClient intruder = StreamClient.connect(BASE)) {
            intruder.authenticate(acme, "messaging");
            intruder.sendFrame("op", "send", "id", "x", "conversation", conv, "clientMessageId", "evil", "text", "hi");
            JsonNode foreign = intruder.nextOp("error");
            intruder.sendFrame("op", "send", "id", "y", "conversation", "c_nope", "clientMessageId", "evil", "text", "hi");
            JsonNode missing = intruder.nextOp("error");
            assertThat(foreign.get("code").asString()).isEqualTo("resource.not_found");
            assertThat(foreign.get("message").asString().replace(conv, "X"))
                    .isEqualTo(missing.get("message").asString().replace("c_nope", "X"));
            // Starting a conversation with another org's agent is refused the same way.
            intruder.sendFrame("op", "start_conversation", "id", "z", "agents", List.of("agent1"));
            assertThat(intruder.nextOp("error").get("code").asString()).isEqualTo("resource.not_found");
        }
        Reply foreignHistory = http.get("/api/v2/conversations/" + conv + "/messages", acme);
        Reply missingHistory = http.get("/api/v2/conversations/c_nope/messages", acme);
        assertThat(foreignHistory.status()).isEqualTo(404);
        assertThat(foreignHistory.body().replace(conv, "X")).isEqualTo(missingHistory.body().replace("c_nope", "X"));
    }

    @Test
    void typingAndReceiptsReachTheOtherParticipant() {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            String conv = startConversation(a1, "agent2");
            a1.sendFrame("op", "typing", "conversation", conv);
            JsonNode typing = a2.nextOp("typing");
            assertThat(typing.get("participant").get("id").asString()).isEqualTo("agent1");
            a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "t-1", "text", "are you there?");
            long seq = a2.nextOp("message").get("seq").asLong();
            a2.sendFrame("op", "receipt", "id", "rc", "conversation", conv, "seq", seq, "kind", "read");
            assertThat(a2.nextOp("receipt_ok").get("seq").asLong()).isEqualTo(seq);
            JsonNode receipt = a1.nextOp("receipt");
            assertThat(receipt.get("kind").asString()).isEqualTo("read");
            assertThat(receipt.get("participant").get("id").asString()).isEqualTo("agent2");
            assertThat(receipt.get("seq").asLong()).isEqualTo(seq);
        }
    }

    @Test
    void historyApiPagesInSequenceOrderWithTheSameScopeRules() {
        String conv;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            conv = startConversation(a1, "agent2");
            for (int i = 1; i <= 5; i++) {
                a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "h-" + i, "text", "history " + i);
                a1.nextOp("ack");
            }
        }
        String reader = http.agentToken("demo-backend", "agent2", "messaging:read");
        Reply page = http.get("/api/v2/conversations/" + conv + "/messages?after=1&limit=2", reader);
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.json().get("messages").get(0).get("seq").asLong()).isEqualTo(2);
        assertThat(page.json().get("messages").get(1).get("seq").asLong()).isEqualTo(3);
        assertThat(page.json().get("next").asLong()).isEqualTo(3);
        Reply noScope = http.get("/api/v2/conversations/" + conv + "/messages", http.agentToken("demo-backend", "agent2", "voice"));
        assertThat(noScope.status()).isEqualTo(403);
        assertThat(noScope.json().get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(noScope.header("WWW-Authenticate")).contains("insufficient_scope").contains("messaging:read");
    }

    @Test
    void whenTokenIsRefreshedInPlaceThenTheSessionContinuesWithoutReconnecting() {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            JsonNode ready = a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            String conv = startConversation(a1, "agent2");
            a2.nextOp("conversation");
            a2.sendFrame("op", "refresh", "id", "rf", "token", http.agentToken("demo-backend", "agent2", RW));
            JsonNode refreshed = a2.nextOp("refreshed");
            assertThat(refreshed.get("id").asString()).isEqualTo("rf");
            a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "after-refresh", "text", "still there");
            assertThat(a2.nextOp("message").get("text").asString()).isEqualTo("still there");
            assertThat(a2.isClosed()).isFalse();
            assertThat(ready.get("session").asString()).isNotBlank();
        }
    }

    @Test
    void whenRefreshTokenIsForAnotherAgentThenSessionIsClosedWithRefreshMismatch() {
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a1.sendFrame("op", "refresh", "id", "rf", "token", http.agentToken("demo-backend", "agent2", RW));
            JsonNode error = a1.nextOp("error");
            assertThat(error.get("code").asString()).isEqualTo("token.refresh_mismatch");
            assertThat(error.get("message").asString()).contains("agent2").contains("agent1");
            assertThat(a1.closeCode()).isEqualTo(4318);
        }
    }

    @Test
    void whenTokenIsRevokedThenItsLiveSessionClosesWithinASecond() {
        String token = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(token, "messaging");
            long start = System.nanoTime();
            assertThat(http.form("/oauth2/revoke", "demo-backend", "demo-backend-secret-0123456789abcdef",
                    Map.of("token", token)).status()).isEqualTo(200);
            JsonNode error = a1.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(3));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertThat(error.get("code").asString()).isEqualTo("token.revoked");
            assertThat(a1.closeCode()).isEqualTo(4102);
            assertThat(millis).isLessThan(1_000);
        }
    }

    @Test
    void listConversationsTellsEachAgentWhereItStoppedReadingAndHowManyCameAfter() {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(BASE)) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            String conv = startConversation(a1, "agent2");
            for (int i = 1; i <= 3; i++) {
                a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "u-" + i, "text", "unread " + i);
                a1.nextOp("ack");
            }
            a2.sendFrame("op", "receipt", "id", "rc", "conversation", conv, "seq", 1, "kind", "read");
            a2.nextOp("receipt_ok");
            a2.sendFrame("op", "list_conversations", "id", "l");
            JsonNode mine = null;
            for (JsonNode c : a2.nextOp("conversations").get("conversations")) {
                if (c.get("id").asString().equals(conv)) mine = c;
            }
            assertThat(mine).isNotNull();
            assertThat(mine.get("readSeq").asLong()).isEqualTo(1);
            assertThat(mine.get("unread").asLong()).isEqualTo(2);
            // The sender's own messages never count as unread for it.
            a1.sendFrame("op", "list_conversations", "id", "l1");
            JsonNode senderView = null;
            for (JsonNode c : a1.nextOp("conversations").get("conversations")) {
                if (c.get("id").asString().equals(conv)) senderView = c;
            }
            assertThat(senderView).as("the sender lists the conversation").isNotNull();
            assertThat(senderView.get("unread").asLong()).isZero();
        }
    }
}
