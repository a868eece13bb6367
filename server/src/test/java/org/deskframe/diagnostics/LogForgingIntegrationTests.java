package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.LoggerFactory;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

/**
 * Values a client chooses reach the server log (a refused token's header fields and issuer, a path on the gateway
 * port, the authenticate frame's widget and embedOrigin). Each is fed a newline followed by a forged, timestamped
 * entry, over real HTTP and WebSocket, and the captured log must show the value escaped on its entry's line, with no
 * line of its own. (A control character in a path on the HTTP port never gets that far: Jetty answers 400 itself.)
 */
@ExtendWith(OutputCaptureExtension.class)
class LogForgingIntegrationTests extends DeskframeServerTest {

    private static final String FORGED = "2026-12-01T00:00:00.000Z  INFO 1 --- [deskframe] [main] o.d.forged : admin signed in";
    private static final String VALUE = "x\n" + FORGED;

    private static String b64(Map<String, Object> json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(TestClient.JSON.writeValueAsBytes(json));
    }

    /** A JWT-shaped token with the given header and claims, and a signature that is never reached or never matches. */
    private static String token(Map<String, Object> header, Map<String, Object> claims) {
        return b64(header) + "." + b64(claims) + ".c2lnbmF0dXJl";
    }

    private static Map<String, Object> header(String alg, String typ, String kid) {
        Map<String, Object> h = new LinkedHashMap<>();
        h.put("alg", alg);
        h.put("typ", typ);
        h.put("kid", kid);
        return h;
    }

    private static Map<String, Object> claims(String issuer) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("iss", issuer);
        c.put("sub", "agent1");
        c.put("exp", Instant.now().plusSeconds(300).getEpochSecond());
        c.put("jti", "forging-test");
        return c;
    }

    /** The forged text shows up only escaped, on the line of the entry that carried it; no line starts with it. */
    private static void assertLoggedEscapedOnly(CapturedOutput output, String entry) {
        assertLoggedEscapedOnly(output, entry, FORGED);
    }

    private static void assertLoggedEscapedOnly(CapturedOutput output, String entry, String forged) {
        String log = output.getAll();
        assertThat(log).as("the log has the entry carrying the value").contains(entry);
        assertThat(log.lines().filter(l -> l.contains(entry))).allMatch(l -> l.contains("x\\n" + forged));
        assertThat(log.lines()).as("a line of the log starts with the forged entry")
                .noneMatch(l -> l.stripLeading().startsWith(forged.substring(0, 19)));
    }

    private TestClient.Reply bearer(String token) {
        return http.get("/api/v2/tokens/me", token);
    }

    @Test
    void aRefusedTokensKidIsEscaped(CapturedOutput output) {
        TestClient.Reply r = bearer(token(header("RS256", "at+jwt", VALUE), claims(BASE)));
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.json().get("code").asString()).isEqualTo("token.bad_signature");
        assertLoggedEscapedOnly(output, "HTTP 401 token.bad_signature: The token's signature does not verify with this deployment's keys (key id '");
    }

    @Test
    void aRefusedTokensTypIsEscaped(CapturedOutput output) {
        TestClient.Reply r = bearer(token(header("RS256", VALUE, "k"), claims(BASE)));
        assertThat(r.json().get("code").asString()).isEqualTo("token.wrong_type");
        assertLoggedEscapedOnly(output, "HTTP 401 token.wrong_type: The token's type is '");
    }

    @Test
    void aRefusedTokensAlgIsEscaped(CapturedOutput output) {
        TestClient.Reply r = bearer(token(header(VALUE, "at+jwt", "k"), claims(BASE)));
        assertThat(r.status()).isEqualTo(401);
        assertLoggedEscapedOnly(output, "HTTP 401 token.");
    }

    @Test
    void aRefusedTokensIssuerIsEscaped(CapturedOutput output) {
        TestClient.Reply r = bearer(token(header("RS256", "at+jwt", "k"), claims(VALUE)));
        assertThat(r.json().get("code").asString()).isEqualTo("token.wrong_region");
        assertLoggedEscapedOnly(output, "HTTP 401 token.wrong_region: The token was issued by '");
    }

    @Test
    void aPercentEncodedNewlineInAPathOnTheGatewayPortIsEscaped(CapturedOutput output) throws Exception {
        String path = "/x" + URLEncoder.encode("\n" + FORGED, StandardCharsets.UTF_8).replace("+", "%20");
        try (Socket s = new Socket("localhost", GATEWAY_PORT)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).startsWith("HTTP/1.1 421 ");
        }
        assertLoggedEscapedOnly(output, "gateway HTTP 421 endpoint.wrong_port: GET /");
    }

    @Test
    void theAuthenticateFramesWidgetIsEscaped(CapturedOutput output) {
        String forged = "2026-12-01T00:00:00Z INFO forged"; // a widget name may have at most 40 characters
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "token", http.agentToken("demo-backend", "agent1", "messaging:read"),
                    "widget", "x\n" + forged);
            JsonNode error = ws.nextOp("error");
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(error.get("message").asString()).contains("unknown widget");
        }
        assertLoggedEscapedOnly(output, "handshake refused: session ", forged);
    }

    @Test
    void theAuthenticateFramesEmbedOriginIsEscaped(CapturedOutput output) {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "token", http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"),
                    "widget", "messaging", "embedOrigin", VALUE);
            JsonNode error = ws.nextOp("error");
            assertThat(error.get("code").asString()).isEqualTo("origin.not_allowed");
        }
        assertLoggedEscapedOnly(output, "handshake refused: session ");
    }

    @Test
    void whateverAMessageOrAnExceptionHoldsNoLineOfItPassesForAnEntry(CapturedOutput output) {
        // The safety net under the explicit escaping, for text Deskframe does not write itself (frameworks, exceptions).
        var log = LoggerFactory.getLogger("org.deskframe.forging.test");
        log.warn("a framework message\n" + FORGED + "\r" + FORGED);
        log.warn("a failure", new IllegalStateException("an exception message\n" + FORGED));
        String all = output.getAll();
        assertThat(all).contains("a framework message\n" + LogLineGuard.CONTINUATION + FORGED + "\\r" + FORGED)
                .contains("java.lang.IllegalStateException: an exception message\n" + LogLineGuard.CONTINUATION + FORGED);
        assertThat(all.lines()).noneMatch(l -> l.startsWith(FORGED.substring(0, 24)));
    }
}
