package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.RawWebSocket.Frame;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Every command that carries an id is answered with that id, exactly once: over the rate limit ({@code rate.limited}
 * with the id of each dropped command) and when the frame is refused for any field but the id. Raw sockets, so
 * nothing between the test and the server buffers, retries or drops.
 */
class CommandRepliesIntegrationTests extends DeskframeServerTest {

    private RawWebSocket authenticated() throws Exception {
        RawWebSocket ws = new RawWebSocket("localhost", GATEWAY_PORT, "/api/v2/stream");
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        ws.sendText("{\"op\":\"authenticate\",\"id\":\"a\",\"token\":\"" + token + "\",\"widget\":\"messaging\"}");
        assertThat(json(ws.readText()).get("op").asString()).isEqualTo("ready");
        return ws;
    }

    private static JsonNode json(Frame f) {
        assertThat(f).as("a frame (the socket ended or stayed silent)").isNotNull();
        assertThat(f.opcode()).as("a text frame, not a close: %s", f.opcode() == RawWebSocket.CLOSE ? f.closeCode() + " " + f.closeReason() : "")
                .isEqualTo(RawWebSocket.TEXT);
        return TestClient.JSON.readTree(f.text());
    }

    @Test
    void oneHundredFiftyCommandsSentAtOnceGetOneReplyEachCarryingItsId() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            for (int i = 0; i < 150; i++) ws.sendText("{\"op\":\"list_conversations\",\"id\":\"l" + i + "\"}");
            Map<String, Integer> replies = new HashMap<>();
            Map<String, Integer> byOp = new HashMap<>();
            while (replies.size() < 150) {
                JsonNode f = json(ws.readText());
                String id = f.path("id").asString(null);
                assertThat(id).as("reply without an id: %s", f).isNotNull();
                replies.merge(id, 1, Integer::sum);
                String kind = f.get("op").asString().equals("error") ? f.get("code").asString() : f.get("op").asString();
                byOp.merge(kind, 1, Integer::sum);
            }
            // Replies leave in the order the commands were handled: once a marker sent after the burst is answered, no late
            // or second reply to the burst can still be on its way. The marker is resent while it is itself rate-limited.
            boolean answered = false;
            for (int k = 0; !answered; k++) {
                assertThat(k).as("the marker command was never answered").isLessThan(50);
                Thread.sleep(100);
                String marker = "end" + k;
                ws.sendText("{\"op\":\"list_conversations\",\"id\":\"" + marker + "\"}");
                JsonNode f = json(ws.readText());
                while (!marker.equals(f.path("id").asString(null))) {
                    replies.merge(f.path("id").asString("(none)"), 1, Integer::sum);
                    f = json(ws.readText());
                }
                answered = "conversations".equals(f.get("op").asString());
            }
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < 150; i++) expected.add("l" + i);
            assertThat(replies.keySet()).isEqualTo(expected);
            assertThat(replies.values()).allMatch(n -> n == 1);
            // The default allowance is 50 frames/s with bursts of 100: some were answered, the rest refused by id.
            assertThat(byOp.keySet()).containsExactlyInAnyOrder("conversations", "rate.limited");
            assertThat(byOp.get("conversations") + byOp.get("rate.limited")).isEqualTo(150);
            assertThat(byOp.get("rate.limited")).isPositive();
        }
    }

    @Test
    void aDroppedCommandsReplySaysToSendItAgain() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            for (int i = 0; i < 120; i++) ws.sendText("{\"op\":\"list_conversations\",\"id\":\"x" + i + "\"}");
            JsonNode limited = null;
            for (int i = 0; i < 120 && limited == null; i++) {
                JsonNode f = json(ws.readText());
                if ("error".equals(f.get("op").asString())) limited = f;
            }
            assertThat(limited).isNotNull();
            assertThat(limited.get("code").asString()).isEqualTo("rate.limited");
            assertThat(limited.get("id").asString()).startsWith("x");
            assertThat(limited.get("message").asString()).contains("this frame was dropped, send it again");
            assertThat(limited.get("retryAfterSeconds").asInt()).isPositive();
            assertThat(limited.has("closeCode")).isFalse();
        }
    }

    @Test
    void aFrameRefusedForAnyOtherFieldStillEchoesItsId() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            Map<String, String> refused = new java.util.LinkedHashMap<>();
            refused.put("s1", "{\"op\":\"send\",\"id\":\"s1\",\"conversation\":5,\"clientMessageId\":\"m\",\"text\":\"x\"}");
            refused.put("t1", "{\"op\":\"teleport\",\"id\":\"t1\"}");
            refused.put("n1", "{\"id\":\"n1\"}");
            refused.put("r1", "{\"op\":\"receipt\",\"id\":\"r1\",\"conversation\":\"c\",\"seq\":\"seven\",\"kind\":\"read\"}");
            refused.put("o1", "{\"op\":7,\"id\":\"o1\"}");
            refused.put("e1", "{\"id\":\"e1\",\"op\":\"resume\",\"positions\":{}}");
            for (var e : refused.entrySet()) {
                ws.sendText(e.getValue());
                JsonNode error = json(ws.readText());
                assertThat(error.get("op").asString()).as(e.getValue()).isEqualTo("error");
                assertThat(error.get("code").asString()).as(e.getValue()).isEqualTo("protocol.bad_frame");
                assertThat(error.get("id").asString()).as(e.getValue()).isEqualTo(e.getKey());
            }
            // An id that is itself wrong cannot be echoed: the error says what was wrong, without one.
            ws.sendText("{\"op\":\"list_conversations\",\"id\":42}");
            JsonNode badId = json(ws.readText());
            assertThat(badId.get("message").asString()).contains("'id' must be a string");
            assertThat(badId.has("id")).isFalse();
            ws.sendText("{\"op\":\"list_conversations\",\"id\":\"still-open\"}");
            assertThat(json(ws.readText()).get("id").asString()).isEqualTo("still-open");
        }
    }

    @Test
    void aMalformedFirstFrameWithAnIdIsAnsweredWithItThenClosed() throws Exception {
        try (RawWebSocket ws = new RawWebSocket("localhost", GATEWAY_PORT, "/api/v2/stream")) {
            ws.sendText("{\"op\":\"authenticate\",\"id\":\"first\",\"widget\":17}");
            JsonNode error = json(ws.readText());
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(error.get("id").asString()).isEqualTo("first");
            assertThat(error.get("closeCode").asInt()).isEqualTo(4311);
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4311);
        }
    }
}
