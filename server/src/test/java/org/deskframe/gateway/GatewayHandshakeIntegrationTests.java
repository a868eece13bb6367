package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Every handshake refusal over a real WebSocket: the error frame's code, message and hint, then the close code. */
class GatewayHandshakeIntegrationTests extends DeskframeServerTest {

    @Test
    void whenTokenIsGoodThenReadyCarriesAgentExpiryAndHeartbeat() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "id", "a1", "token", token, "widget", "messaging");
            JsonNode ready = ws.next();
            assertThat(ready.get("op").asString()).isEqualTo("ready");
            assertThat(ready.get("id").asString()).isEqualTo("a1");
            assertThat(ready.get("session").asString()).startsWith("s_");
            assertThat(ready.get("agent").get("id").asString()).isEqualTo("agent1");
            assertThat(ready.get("agent").get("org").asString()).isEqualTo("demo");
            assertThat(ready.get("heartbeatSeconds").asInt()).isPositive();
            assertThat(ready.get("expiresAt").asString()).isNotBlank();
        }
    }

    @Test
    void whenTokenFromCustomBackendLacksMessagingWriteThenHandshakeNamesTheScopeAndTheFix() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read voice video");
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "id", "a1", "token", token, "widget", "messaging");
            JsonNode error = ws.next();
            assertThat(error.get("op").asString()).isEqualTo("error");
            assertThat(error.get("id").asString()).isEqualTo("a1");
            assertThat(error.get("code").asString()).isEqualTo("token.scope_missing");
            assertThat(error.get("message").asString()).contains("messaging:write");
            assertThat(error.get("hint").asString()).isEqualTo("Request messaging:write when obtaining the token (your backend"
                    + " asked for: messaging:read video voice); OAuth client demo-backend already allows it.");
            assertThat(error.get("required").toString()).contains("messaging:read", "messaging:write");
            assertThat(error.get("granted").toString()).contains("messaging:read").doesNotContain("messaging:write");
            assertThat(ws.closeCode()).isEqualTo(4305);
            assertThat(ws.closeReason()).isEqualTo("token.scope_missing");
        }
    }

    @Test
    void whenClientLacksEmbedCapabilityThenHandshakeSaysSo() {
        String token = http.agentToken("demo-noembed", "agent1", "messaging:read messaging:write");
        assertRefused(token, "messaging", null, "client.embed_not_allowed", 4306, "demo-noembed");
    }

    @Test
    void whenEmbeddingOriginIsNotAllowedThenOriginNotAllowed() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        assertRefused(token, "messaging", "https://evil.example", "origin.not_allowed", 4308, "https://evil.example");
    }

    @Test
    void whenEmbeddingOriginIsOnTheAllowlistThenReady() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "token", token, "widget", "messaging", "embedOrigin", "https://desk.integrator.example");
            assertThat(ws.next().get("op").asString()).isEqualTo("ready");
        }
    }

    @Test
    void whenTokenIsGarbageThenMalformed() {
        assertRefused("not-a-jwt", "messaging", null, "token.malformed", 4300, "three base64url parts");
    }

    @Test
    void whenTokenSignatureIsTamperedThenBadSignature() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        String[] parts = token.split("\\.");
        String tampered = parts[0] + "." + parts[1] + "." + (parts[2].charAt(0) == 'A' ? "B" : "A") + parts[2].substring(1);
        assertRefused(tampered, "messaging", null, "token.bad_signature", 4301, "signature");
    }

    @Test
    void whenTokenIsRevokedThenRevoked() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        var revoke = http.form("/oauth2/revoke", "demo-backend", "demo-backend-secret-0123456789abcdef",
                java.util.Map.of("token", token, "token_type_hint", "access_token"));
        assertThat(revoke.status()).isEqualTo(200);
        assertRefused(token, "messaging", null, "token.revoked", 4102, "new token");
    }

    @Test
    void whenOrgDoesNotMatchThenWrongOrg() {
        String token = http.agentToken("acme-backend", "acme-agent1", "messaging:read messaging:write");
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "token", token, "widget", "messaging", "org", "demo");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("token.wrong_org");
            assertThat(error.get("message").asString()).contains("acme").contains("demo");
            assertThat(ws.closeCode()).isEqualTo(4303);
        }
    }

    @Test
    void whenClientCredentialsTokenOpensAWidgetThenNotAnAgent() {
        String token = http.clientToken("demo-backend", "messaging:read messaging:write");
        assertRefused(token, "messaging", null, "token.not_agent", 4317, "jwt-bearer");
    }

    @Test
    void whenNoAuthenticateFrameArrivesThenHandshakeTimeout() {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), java.time.Duration.ofSeconds(15));
            assertThat(error.get("code").asString()).isEqualTo("handshake.timeout");
            assertThat(error.get("hint").asString()).contains("authenticate");
            assertThat(ws.closeCode()).isEqualTo(4008);
        }
    }

    @Test
    void whenFirstFrameIsNotAuthenticateThenBadFrame() {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "send", "id", "x", "conversation", "c", "clientMessageId", "m", "text", "hi");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(error.get("message").asString()).contains("first frame must be");
            assertThat(ws.closeCode()).isEqualTo(4311);
        }
    }

    @Test
    void whenUpgradeComesFromAForeignOriginThenNoSession() {
        try (StreamClient ws = StreamClient.connect(BASE, "https://evil.example")) {
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("origin.not_allowed");
            assertThat(ws.closeCode()).isEqualTo(4308);
        }
        try (StreamClient ws = StreamClient.connect(BASE, "null")) {
            assertThat(ws.next().get("code").asString()).isEqualTo("origin.not_allowed");
        }
        try (StreamClient ws = StreamClient.connect(BASE, "http://localhost.evil.example:" + PORT)) {
            assertThat(ws.next().get("code").asString()).isEqualTo("origin.not_allowed");
        }
    }

    @Test
    void theGatewayAcceptsThePlatformsOriginItsLoopbackTwinAndTheConfiguredExtraOriginsExactly() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        // People type localhost or 127.0.0.1: browsers count them as two origins, the gateway allows both.
        for (String origin : List.of(BASE, "http://127.0.0.1:" + PORT, EXTRA_GATEWAY_ORIGIN)) {
            try (StreamClient ws = StreamClient.connect(BASE, origin)) {
                assertThat(ws.authenticate(token, "messaging").get("op").asString()).as(origin).isEqualTo("ready");
            }
        }
        // Exact, never by prefix, suffix or port: each of these is another origin.
        List<String> allowedOrigins = java.util.stream.Stream.of(BASE, "http://127.0.0.1:" + PORT, EXTRA_GATEWAY_ORIGIN).sorted().toList();
        for (String origin : List.of("http://127.0.0.1:" + (PORT + 1), "http://127.0.0.2:" + PORT, "https://127.0.0.1:" + PORT,
                EXTRA_GATEWAY_ORIGIN + ":8443", "http://console.integrator.example", "https://x.console.integrator.example")) {
            try (StreamClient ws = StreamClient.connect(BASE, origin)) {
                JsonNode error = ws.next();
                assertThat(error.get("code").asString()).as(origin).isEqualTo("origin.not_allowed");
                assertThat(error.get("message").asString()).as(origin).isEqualTo("The page origin '" + origin
                        + "' may not open the gateway's WebSocket directly (allowed: " + String.join(" ", allowedOrigins) + ").");
                assertThat(error.get("hint").asString()).contains("deskframe.gateway.extra-origins");
                assertThat(ws.closeCode()).isEqualTo(4308);
            }
        }
    }

    @Test
    void whenUpgradeOriginIsNotEvenAnOriginThenRefusedBeforeUpgrade() throws Exception {
        String answer = rawUpgrade("/api/v2/stream", "Origin: " + BASE + ".evil.example\r\n");
        assertThat(answer).startsWith("HTTP/1.1 403 ").doesNotContain("101 Switching").contains("\"code\":\"origin.not_allowed\"");
    }

    /** A WebSocket upgrade request written by hand; the whole answer (status line, headers and body) as text. */
    private static String rawUpgrade(String path, String extraHeaders) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("localhost", GATEWAY_PORT)) {
            s.setSoTimeout(5_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                    + extraHeaders + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void whenUpgradeCarriesTwoOriginHeadersThenRefusedBeforeUpgradeWhicheverComesFirst() throws Exception {
        // Browsers send one Origin and proxies add none: two are refused, so neither can hide the other.
        for (String[] origins : new String[][]{{BASE, "https://evil.example"}, {"https://evil.example", BASE}, {BASE, BASE}}) {
            try (java.net.Socket s = new java.net.Socket("localhost", GATEWAY_PORT)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(("GET /api/v2/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                        + "Origin: " + origins[0] + "\r\nOrigin: " + origins[1] + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                String answer = new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
                assertThat(answer).startsWith("HTTP/1.1 403 ").doesNotContain("101 Switching")
                        .contains("\"code\":\"request.invalid\"")
                        .contains("the upgrade request carries 2 Origin headers (" + origins[0] + ", " + origins[1] + ")");
            }
        }
    }

    @Test
    void theBenchmarkEchoEndpointIsOffUnlessTurnedOn() throws Exception {
        // No TransportEndpoint is mounted here (the benchmarks add their echo): the gateway port does not serve the path.
        String answer = rawUpgrade("/api/v2/bench/echo", "Origin: " + BASE + "\r\n");
        assertThat(answer).startsWith("HTTP/1.1 421 ").doesNotContain("101 Switching").contains("\"code\":\"endpoint.wrong_port\"");
    }

    @Test
    void whenFrameIsTooLargeThenFrameTooLarge() {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.send("{\"op\":\"authenticate\",\"token\":\"" + "x".repeat(70_000) + "\",\"widget\":\"messaging\"}");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("frame.too_large");
            assertThat(ws.closeCode()).isEqualTo(4312);
        }
    }

    @org.springframework.beans.factory.annotation.Autowired
    org.springframework.context.ApplicationContext context;

    @Test
    void whenAuthenticateCarriesNoTokenThenTokenMissing() {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "id", "h", "widget", "messaging");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("token.missing");
            assertThat(error.get("hint").asString()).contains("authenticate frame");
            assertThat(ws.closeCode()).isEqualTo(4100);
        }
    }

    @Test
    void whenTokenExpiredThenTokenExpiredNamingWhen() {
        java.time.Instant now = java.time.Instant.now();
        String token = org.deskframe.identity.internal.TokenMinter.of(context, BASE)
                .agentToken("exp-" + System.nanoTime(), now.minusSeconds(1000), now.minusSeconds(120), "at+jwt", c -> c);
        assertRefused(token, "messaging", null, "token.expired", 4101, "expired at");
    }

    @Test
    void whenTokenIsNotYetValidThenNotYetValidNamingTheClocks() {
        java.time.Instant later = java.time.Instant.now().plusSeconds(600);
        String token = org.deskframe.identity.internal.TokenMinter.of(context, BASE)
                .agentToken("nbf-" + System.nanoTime(), later, later.plusSeconds(900), "at+jwt", c -> c);
        assertRefused(token, "messaging", null, "token.not_yet_valid", 4103, "clock");
    }

    @Test
    void whenTokenComesFromAnotherRegionThenWrongRegionNamingBothIssuers() {
        java.time.Instant now = java.time.Instant.now();
        String token = org.deskframe.identity.internal.TokenMinter.stranger("https://eu.deskframe.example")
                .agentToken("region-" + System.nanoTime(), now, now.plusSeconds(600), "at+jwt", c -> c);
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "token", token, "widget", "messaging");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("token.wrong_region");
            assertThat(error.get("message").asString()).contains("https://eu.deskframe.example").contains(BASE);
            assertThat(error.get("hint").asString()).contains("https://eu.deskframe.example");
            assertThat(ws.closeCode()).isEqualTo(4302);
        }
    }

    @Test
    void whenTokenIsNotAnAccessTokenThenWrongType() {
        java.time.Instant now = java.time.Instant.now();
        String token = org.deskframe.identity.internal.TokenMinter.of(context, BASE)
                .agentToken("typ-" + System.nanoTime(), now, now.plusSeconds(600), "JWT", c -> c);
        assertRefused(token, "messaging", null, "token.wrong_type", 4320, "at+jwt");
    }

    @Test
    void whenAgentIsDisabledThenTheHandshakeSaysSo() {
        var agents = context.getBean(org.deskframe.identity.AgentDirectory.class);
        String id = "ws-disabled-" + System.nanoTime();
        agents.create(new org.deskframe.identity.AgentDirectory.NewAgent(id, "demo", id, null, "Disabled", null, java.util.Set.of("agent"), true));
        String token = http.agentToken("demo-backend", id, "messaging:read messaging:write");
        agents.update(id, new org.deskframe.identity.AgentDirectory.AgentChange(null, null, null, false));
        assertRefused(token, "messaging", null, "agent.disabled", 4309, "enable the agent");
    }

    private void assertRefused(String token, String widget, String embedOrigin, String code, int closeCode, String mentioned) {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            if (embedOrigin == null) {
                ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", widget);
            } else {
                ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", widget, "embedOrigin", embedOrigin);
            }
            JsonNode error = ws.next();
            assertThat(error.get("op").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo(code);
            assertThat(error.get("message").asString() + " " + error.get("hint").asString()).contains(mentioned);
            assertThat(error.get("closeCode").asInt()).isEqualTo(closeCode);
            assertThat(ws.closeCode()).isEqualTo(closeCode);
            assertThat(ws.closeReason()).isEqualTo(code);
        }
    }
}
