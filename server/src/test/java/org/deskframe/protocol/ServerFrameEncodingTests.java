package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.junit.jupiter.api.Test;

/** The server's frames on the wire, exactly: {@code op} first from {@link Op}, absent fields left out, views inline. */
class ServerFrameEncodingTests {

    static final Instant AT = Instant.parse("2026-12-01T08:15:00Z");

    @Test
    void everyServerRecordHasExactlyOneOpAndEveryOpNamesItsRecords() {
        for (Class<?> type : ServerFrame.class.getPermittedSubclasses()) {
            assertThat(Arrays.stream(Op.values()).filter(op -> op.serverFrame().filter(type::equals).isPresent()))
                    .as("ops for %s", type.getSimpleName()).hasSize(1);
        }
        for (Class<?> type : ClientFrame.class.getPermittedSubclasses()) {
            assertThat(Arrays.stream(Op.values()).filter(op -> op.clientFrame().filter(type::equals).isPresent()))
                    .as("ops for %s", type.getSimpleName()).hasSize(1);
        }
        assertThat(Arrays.stream(Op.values()).filter(op -> op.clientFrame().isEmpty() && op.serverFrame().isEmpty())).isEmpty();
    }

    @Test
    void repliesPutOpFirstAndLeaveAbsentFieldsOut() {
        assertThat(FrameCodec.encode(new ServerFrame.Ack("s12", "c_x", 42, "9f1c", false)))
                .isEqualTo("{\"op\":\"ack\",\"id\":\"s12\",\"conversation\":\"c_x\",\"seq\":42,\"clientMessageId\":\"9f1c\",\"duplicate\":false}");
        assertThat(FrameCodec.encode(ServerFrame.CaughtUp.unknown(null, "c_x")))
                .isEqualTo("{\"op\":\"caught_up\",\"conversation\":\"c_x\",\"status\":\"unknown\"}");
        assertThat(FrameCodec.encode(ServerFrame.CaughtUp.positionAhead("r", "c_x", 3, 90_000)))
                .isEqualTo("{\"op\":\"caught_up\",\"id\":\"r\",\"conversation\":\"c_x\",\"status\":\"position_ahead\",\"seq\":3,\"requested\":90000}");
        assertThat(FrameCodec.encode(new ServerFrame.Ping())).isEqualTo("{\"op\":\"ping\"}");
        assertThat(FrameCodec.encode(new ServerFrame.TokenExpiring(58, AT)))
                .isEqualTo("{\"op\":\"token_expiring\",\"in\":58,\"expiresAt\":\"2026-12-01T08:15:00Z\"}");
    }

    @Test
    void aMessageIsInlineAndMarkedLostOnlyWhenItIs() {
        MessageView text = new MessageView("c_x", 42, "9f1c", new ParticipantView("agent", "agent1"), "Hello!", AT, null);
        assertThat(FrameCodec.encode(new ServerFrame.MessagePush(text))).isEqualTo("{\"op\":\"message\",\"conversation\":\"c_x\","
                + "\"seq\":42,\"clientMessageId\":\"9f1c\",\"sender\":{\"kind\":\"agent\",\"id\":\"agent1\"},\"text\":\"Hello!\","
                + "\"sentAt\":\"2026-12-01T08:15:00Z\"}");
        MessageView lost = new MessageView("c_x", 43, "lost:43", new ParticipantView("system", "deskframe"), "", AT, true);
        assertThat(FrameCodec.encode(new ServerFrame.MessagePush(lost))).endsWith(",\"lost\":true}");
    }

    @Test
    void conversationsCarryTheirSubjectEvenWhenThereIsNoneAndTheCallersPosition() {
        ConversationView c = new ConversationView("c_x", null, "open", 5, List.of(new ParticipantView("agent", "agent2")), AT);
        List<ReceiptView> receipts = List.of(new ReceiptView(new ParticipantView("agent", "agent2", "Agent Two"), 5, 4));
        assertThat(FrameCodec.encode(new ServerFrame.Conversations("l", List.of(new ConversationSummary(c, 3, 2, AT, receipts)))))
                .isEqualTo("{\"op\":\"conversations\",\"id\":\"l\",\"conversations\":[{\"id\":\"c_x\",\"subject\":null,"
                        + "\"state\":\"open\",\"lastSeq\":5,\"participants\":[{\"kind\":\"agent\",\"id\":\"agent2\"}],"
                        + "\"createdAt\":\"2026-12-01T08:15:00Z\",\"readSeq\":3,\"unread\":2,"
                        + "\"lastActivityAt\":\"2026-12-01T08:15:00Z\",\"receipts\":[{\"participant\":{\"kind\":\"agent\","
                        + "\"id\":\"agent2\",\"displayName\":\"Agent Two\"},\"delivered\":5,\"read\":4}]}]}");
    }

    @Test
    void anErrorCarriesTheCataloguesFieldsWithItsDetailsAtTheTopLevelAndAClosingOneItsCloseCode() {
        Problem p = Problem.of(ErrorCode.RATE_LIMITED, Map.of("limit", "50 frames per second", "retryAfterSeconds", 2));
        String open = FrameCodec.encode(ServerFrame.Error.of("s1", p));
        assertThat(open).startsWith("{\"op\":\"error\",\"id\":\"s1\",\"code\":\"rate.limited\",\"message\":")
                .contains("\"limit\":\"50 frames per second\"", "\"retryAfterSeconds\":2").doesNotContain("closeCode", "details");
        String closing = FrameCodec.encode(ServerFrame.Error.closing(null, p, List.of(p)));
        assertThat(closing).contains("\"closeCode\":" + ErrorCode.RATE_LIMITED.closeCode(), "\"action\":\"reconnect\"")
                .doesNotContain("\"id\"", "problems");
    }
}
