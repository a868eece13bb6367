package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.RawWebSocket.Frame;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The frame-level harness: bytes no client library would send, written on a raw socket. The server answers each with
 * a catalogue code (or the RFC 6455 close code the transport must use), keeps serving everyone else, and never crashes.
 */
class FrameLevelIntegrationTests extends DeskframeServerTest {

    private RawWebSocket connect() throws Exception {
        return new RawWebSocket("localhost", GATEWAY_PORT, "/api/v2/stream");
    }

    private String token() {
        return http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
    }

    private static JsonNode json(Frame f) {
        return TestClient.JSON.readTree(f.text());
    }

    private RawWebSocket authenticated() throws Exception {
        RawWebSocket ws = connect();
        ws.sendText("{\"op\":\"authenticate\",\"token\":\"" + token() + "\",\"widget\":\"messaging\"}");
        assertThat(json(ws.readText()).get("op").asString()).isEqualTo("ready");
        return ws;
    }

    @AfterEach
    void serverStillServesEveryoneElse() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendText("{\"op\":\"list_conversations\",\"id\":\"alive\"}");
            assertThat(json(ws.readText()).get("op").asString()).isEqualTo("conversations");
        }
    }

    @Test
    void malformedJsonAsFirstFrameIsABadFrameAndCloses() throws Exception {
        try (RawWebSocket ws = connect()) {
            ws.sendText("{\"op\":\"authenticate\",");
            JsonNode error = json(ws.readText());
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(error.get("message").asString()).contains("not valid JSON");
            Frame close = ws.readUntilClose();
            assertThat(close.closeCode()).isEqualTo(4311);
            assertThat(close.closeReason()).isEqualTo("protocol.bad_frame");
        }
    }

    @Test
    void afterTheHandshakeBadFramesAreAnsweredAndTheSessionStaysOpen() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendText("not json at all");
            assertThat(json(ws.readText()).get("message").asString()).contains("not valid JSON");
            ws.sendText("{\"op\":\"teleport\",\"id\":\"t\"}");
            JsonNode unknown = json(ws.readText());
            assertThat(unknown.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(unknown.get("message").asString()).contains("unknown op 'teleport'").contains("send");
            ws.sendText("{\"op\":\"receipt\",\"id\":\"r\",\"conversation\":\"c\",\"seq\":\"seven\",\"kind\":\"read\"}");
            assertThat(json(ws.readText()).get("message").asString()).contains("'seq' must be a non-negative integer");
            ws.sendText("{\"op\":\"send\",\"id\":\"s\",\"conversation\":5,\"clientMessageId\":\"m\",\"text\":\"x\"}");
            assertThat(json(ws.readText()).get("message").asString()).contains("'conversation' must be a string");
            ws.sendText("[\"op\",\"send\"]");
            assertThat(json(ws.readText()).get("message").asString()).contains("must be a JSON object");
            ws.sendText("{\"op\":\"list_conversations\",\"id\":\"still-here\"}");
            assertThat(json(ws.readText()).get("id").asString()).isEqualTo("still-here");
        }
    }

    @Test
    void aTextFrameSplitIntoFragmentsIsReassembled() throws Exception {
        String frame = "{\"op\":\"authenticate\",\"token\":\"" + token() + "\",\"widget\":\"messaging\"}";
        byte[] bytes = frame.getBytes(StandardCharsets.UTF_8);
        int third = bytes.length / 3;
        try (RawWebSocket ws = connect()) {
            ws.sendFrame(false, RawWebSocket.TEXT, java.util.Arrays.copyOfRange(bytes, 0, third));
            ws.sendFrame(false, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, third, 2 * third));
            ws.sendFrame(true, RawWebSocket.CONTINUATION, java.util.Arrays.copyOfRange(bytes, 2 * third, bytes.length));
            assertThat(json(ws.readText()).get("op").asString()).isEqualTo("ready");
        }
    }

    @Test
    void invalidUtf8IsRefusedWithTheProtocolsCloseCode() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendFrame(true, RawWebSocket.TEXT, new byte[]{'{', '"', 'o', 'p', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
            Frame close = ws.readUntilClose();
            // RFC 6455 section 8.1: invalid UTF-8 in a text frame fails the connection with 1007; the reason says why.
            assertThat(close.closeCode()).isEqualTo(1007);
            assertThat(close.closeReason()).isNotBlank();
        }
    }

    @Test
    void binaryFramesAreNotPartOfTheProtocol() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendFrame(true, RawWebSocket.BINARY, new byte[]{1, 2, 3});
            JsonNode error = json(ws.readText());
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(error.get("message").asString()).contains("binary");
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4311);
        }
    }

    @Test
    void aFrameOverTheProtocolLimitGetsFrameTooLarge() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendText("{\"op\":\"send\",\"conversation\":\"c\",\"clientMessageId\":\"m\",\"text\":\"" + "y".repeat(100_000) + "\"}");
            JsonNode error = json(ws.readText());
            assertThat(error.get("code").asString()).isEqualTo("frame.too_large");
            assertThat(error.get("limit").asInt()).isEqualTo(65536);
            assertThat(ws.readUntilClose().closeCode()).isEqualTo(4312);
        }
    }

    @Test
    void aFrameBeyondWhatTheTransportBuffersIsCutOffWithMessageTooBig() throws Exception {
        try (RawWebSocket ws = authenticated()) {
            ws.sendFrame(true, RawWebSocket.TEXT, new byte[400_000]);
            Frame close = ws.readUntilClose();
            // Above 256 KiB the transport refuses before buffering it: RFC 6455's 1009, with a reason.
            assertThat(close.closeCode()).isEqualTo(1009);
            assertThat(close.closeReason()).isNotBlank();
        }
    }
}
