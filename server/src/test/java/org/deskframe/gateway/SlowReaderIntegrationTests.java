package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * A reader that stops reading, through the real gateway (not a private transport): once more than the send buffer
 * (deskframe.gateway.send-buffer-bytes, 1 MiB) waits for it, its session is closed with {@code session.slow_consumer}
 * (4003) after everything that was queued before, and nothing sent to it is lost: resume returns the rest.
 */
class SlowReaderIntegrationTests extends DeskframeServerTest {

    private static final String RW = "messaging:read messaging:write";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** 16,000 characters of three UTF-8 bytes each: ~48 KB per message frame, the most one message may carry. */
    private static final String BIG = "€".repeat(16_000);

    @Test
    void aReaderThatStopsReadingIsClosedWithSlowConsumerAfterWhatWasQueuedAndResumesTheRest() throws Exception {
        // ~7.7 MB: past the 1 MiB send buffer plus what the kernel buffers on the way (its send buffer grows to 4 MB here).
        int sent = 160;
        try (StreamClient agent1 = StreamClient.connect(BASE);
             RawWebSocket slow = new RawWebSocket("localhost", GATEWAY_PORT, "/api/v2/stream", null, 4096)) {
            agent1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            slow.sendText(JSON.writeValueAsString(Map.of("op", "authenticate", "id", "a",
                    "token", http.agentToken("demo-backend", "agent2", RW), "widget", "messaging")));
            assertThat(slow.readText().text()).contains("\"op\":\"ready\"");

            agent1.sendFrame("op", "start_conversation", "id", "start", "agents", List.of("agent2"), "subject", "slow reader");
            String conv = agent1.nextOp("conversation").get("conversation").get("id").asString();
            for (int i = 1; i <= sent; i++) {
                // Under the per-connection frame rate and the per-agent send rate (50/s each).
                agent1.sendFrame("op", "send", "id", "s" + i, "conversation", conv, "clientMessageId", "big-" + i, "text", BIG);
                Thread.sleep(25);
            }
            for (int i = 1; i <= sent; i++) {
                JsonNode ack = agent1.nextOp("ack");
                assertThat(ack.get("seq").asLong()).as(ack.toString()).isPositive();
            }

            // Now read everything the server wrote: messages in order, then the close frame that ended the session.
            List<Long> delivered = new ArrayList<>();
            RawWebSocket.Frame close = null;
            for (RawWebSocket.Frame f = slow.read(); f != null; f = slow.read()) {
                if (f.opcode() == RawWebSocket.CLOSE) { close = f; break; }
                JsonNode frame = JSON.readTree(f.text());
                if ("message".equals(frame.get("op").asString())) delivered.add(frame.get("seq").asLong());
            }
            assertThat(close).as("a close frame, not a reset or silence (%d messages read)", delivered.size()).isNotNull();
            assertThat(close.closeCode()).isEqualTo(4003);
            assertThat(close.closeReason()).isEqualTo("session.slow_consumer");
            assertThat(delivered).as("closed before all %d were written", sent).hasSizeLessThan(sent);
            for (int i = 0; i < delivered.size(); i++) assertThat(delivered.get(i)).isEqualTo(i + 1L);

            // The sender's session was never affected, and the slow reader loses nothing: it resumes after what it got.
            agent1.sendFrame("op", "typing", "conversation", conv);
            try (StreamClient back = StreamClient.connect(BASE)) {
                back.sendFrame("op", "authenticate", "id", "auth", "token", http.agentToken("demo-backend", "agent2", RW),
                        "widget", "messaging", "resume", Map.of(conv, delivered.size()));
                assertThat(back.next().get("op").asString()).isEqualTo("ready");
                for (long expected = delivered.size() + 1; expected <= sent; expected++) {
                    JsonNode m = back.nextOp("message");
                    assertThat(m.get("seq").asLong()).isEqualTo(expected);
                    assertThat(m.get("text").asString()).isEqualTo(BIG);
                }
                JsonNode caughtUp = back.nextOp("caught_up");
                assertThat(caughtUp.get("seq").asLong()).isEqualTo(sent);
            }
            assertThat(agent1.isClosed()).isFalse();
        }
    }
}
