package org.deskframe.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.JdbcTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Defence in depth for a database that loses committed rows (a disk that lies about syncs, a restore from an older
 * backup): the rows and the conversation's last sequence vanish together, as they did when H2 kept commits in memory.
 * A member that has seen the lost numbers proves the loss; the numbers are then sealed as lost and never reissued.
 */
@ExtendWith(OutputCaptureExtension.class)
class LostSequenceIntegrationTests extends DeskframeServerTest {

    static final String RW = "messaging:read messaging:write";

    @Autowired
    JdbcTemplate db;

    /** What a storage that lost the last commits leaves behind: the rows after {@code keep} gone, last_seq rolled back. */
    private void loseMessagesAfter(String conversation, long keep) {
        db.update("delete from messages where conversation_id = ? and seq > ?", conversation, keep);
        db.update("update conversations set last_seq = ? where id = ?", keep, conversation);
    }

    private static String conversationWithMessages(StreamClient a1, int count) {
        a1.sendFrame("op", "start_conversation", "id", "start", "agents", List.of("agent2"), "subject", "lost");
        String conv = a1.nextOp("conversation").get("conversation").get("id").asString();
        for (int i = 1; i <= count; i++) {
            a1.sendFrame("op", "send", "id", "s" + i, "conversation", conv, "clientMessageId", conv + "-" + i, "text", "m" + i);
            assertThat(a1.nextOp("ack").get("seq").asLong()).isEqualTo(i);
        }
        return conv;
    }

    @Test
    void whenAMemberResumesFromNumbersTheDatabaseLostThenTheyAreSealedAsLostAndNeverReissued(CapturedOutput output) {
        String token1 = http.agentToken("demo-backend", "agent1", RW);
        String token2 = http.agentToken("demo-backend", "agent2", RW);
        String conv;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(token1, "messaging");
            conv = conversationWithMessages(a1, 10);
        }
        loseMessagesAfter(conv, 7);

        // agent2 saw all ten before the loss and resumes from 10: nothing to replay, and the hole is sealed.
        try (StreamClient a2 = StreamClient.connect(BASE)) {
            a2.sendFrame("op", "authenticate", "id", "auth", "token", token2, "widget", "messaging", "resume", Map.of(conv, 10));
            assertThat(a2.nextOp("ready")).isNotNull();
            JsonNode caughtUp = a2.nextOp("caught_up");
            assertThat(caughtUp.get("status").asString()).isEqualTo("ok");
            assertThat(caughtUp.get("seq").asLong()).isEqualTo(10);

            // The next message gets 11, not 8: the numbers agent2 holds keep meaning what they meant.
            a2.sendFrame("op", "send", "id", "after", "conversation", conv, "clientMessageId", "after-loss", "text", "after");
            assertThat(a2.nextOp("ack").get("seq").asLong()).isEqualTo(11);
        }
        assertThat(output.getAll()).contains("conversation " + conv + ": sequence numbers 8..10 were acknowledged but are missing",
                "sealed as lost");

        // A member catching up from 5 gets 6 and 7, the three placeholders, then 11: gapless, each lost one flagged.
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.sendFrame("op", "authenticate", "id", "auth", "token", token1, "widget", "messaging", "resume", Map.of(conv, 5));
            a1.nextOp("ready");
            for (long seq = 6; seq <= 11; seq++) {
                JsonNode m = a1.nextOp("message");
                assertThat(m.get("seq").asLong()).isEqualTo(seq);
                boolean lost = seq >= 8 && seq <= 10;
                assertThat(m.has("lost") && m.get("lost").asBoolean()).as("seq %d lost", seq).isEqualTo(lost);
                if (lost) {
                    assertThat(m.get("sender").get("kind").asString()).isEqualTo("system");
                    assertThat(m.get("text").asString()).isEmpty();
                }
            }
            assertThat(a1.nextOp("caught_up").get("seq").asLong()).isEqualTo(11);
        }
        JsonNode history = http.get("/api/v2/conversations/" + conv + "/messages", http.agentToken("demo-backend", "agent1", "messaging:read")).json();
        assertThat(history.get("lastSeq").asLong()).isEqualTo(11);
        assertThat(history.get("messages")).extracting(m -> m.has("lost")).containsExactly(false, false, false, false, false,
                false, false, true, true, true, false);
    }

    @Test
    void whenAReceiptNamesANumberTheDatabaseLostThenItIsSealedAndTheReceiptRecorded() {
        String token1 = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(token1, "messaging");
            String conv = conversationWithMessages(a1, 4);
            loseMessagesAfter(conv, 2);
            a1.sendFrame("op", "receipt", "id", "r", "conversation", conv, "kind", "read", "seq", 4);
            JsonNode ok = a1.nextOp("receipt_ok");
            assertThat(ok.get("id").asString()).isEqualTo("r");
            a1.sendFrame("op", "send", "id", "next", "conversation", conv, "clientMessageId", conv + "-next", "text", "next");
            assertThat(a1.nextOp("ack").get("seq").asLong()).isEqualTo(5);
        }
    }

    @Test
    void aClaimWiderThanAnyLostWriteIsFlaggedAsPositionAheadAndSealsNothing() {
        String token1 = http.agentToken("demo-backend", "agent1", RW);
        String conv;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.authenticate(token1, "messaging");
            conv = conversationWithMessages(a1, 2);
        }
        long claim = 2 + ConversationLog.MAX_SEALED_HOLE + 1;
        try (StreamClient a1 = StreamClient.connect(BASE)) {
            a1.sendFrame("op", "authenticate", "id", "auth", "token", token1, "widget", "messaging", "resume", Map.of(conv, claim));
            a1.nextOp("ready");
            JsonNode caughtUp = a1.nextOp("caught_up");
            assertThat(caughtUp.get("status").asString()).isEqualTo("position_ahead");
            assertThat(caughtUp.get("seq").asLong()).isEqualTo(2);
            assertThat(caughtUp.get("requested").asLong()).isEqualTo(claim);
            a1.sendFrame("op", "send", "id", "next", "conversation", conv, "clientMessageId", conv + "-next", "text", "next");
            assertThat(a1.nextOp("ack").get("seq").asLong()).isEqualTo(3);
        }
        assertThat(db.queryForObject("select count(*) from messages where conversation_id = ? and lost", Long.class, conv)).isZero();
        TestClient.Reply page = http.get("/api/v2/conversations/" + conv + "/messages", http.agentToken("demo-backend", "agent1", "messaging:read"));
        assertThat(page.json().get("lastSeq").asLong()).isEqualTo(3);
    }
}
