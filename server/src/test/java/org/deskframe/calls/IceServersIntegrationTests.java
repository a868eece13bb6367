package org.deskframe.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import org.deskframe.testing.Coturn;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/v2/calls/ice-servers against a real coturn on loopback: the credentials an agent or a customer gets make a
 * real allocation there, forged or foreign ones do not, and callers without a call scope are told which one to ask for.
 */
class IceServersIntegrationTests {

    static final String SECRET = "coturn-shared-secret-0123456789";
    static Coturn coturn;
    static ServerInstance server;
    static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        coturn = new Coturn(SECRET);
        server = new ServerInstance(Files.createTempDirectory("deskframe-calls"), Map.of(
                "deskframe.calls.stun-urls", "stun:127.0.0.1:" + coturn.port,
                "deskframe.calls.turn-urls", coturn.url(),
                "deskframe.calls.turn-secret", SECRET,
                "deskframe.calls.credential-ttl", "10m")).start();
        http = server.http();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.close();
        if (coturn != null) coturn.close();
    }

    @Test
    void anAgentWithVoiceGetsStunAndTurnWithCredentialsThatCoturnAccepts() throws Exception {
        Reply reply = http.get("/api/v2/calls/ice-servers", http.agentToken("demo-backend", "agent1", "voice"));
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.header("Cache-Control")).isEqualTo("no-store");
        JsonNode body = reply.json();
        assertThat(body.get("turn").asBoolean()).isTrue();
        assertThat(body.get("ttlSeconds").asLong()).isEqualTo(600);
        JsonNode servers = body.get("iceServers");
        assertThat(servers.get(0).get("urls").get(0).asString()).isEqualTo("stun:127.0.0.1:" + coturn.port);
        JsonNode turn = servers.get(1);
        assertThat(turn.get("urls").get(0).asString()).isEqualTo(coturn.url());
        String username = turn.get("username").asString();
        // <expiry>:<who>, the expiry ten minutes ahead.
        long expiry = Long.parseLong(username.substring(0, username.indexOf(':')));
        assertThat(expiry - Instant.now().getEpochSecond()).isBetween(590L, 601L);
        assertThat(username).endsWith(":agent1");
        assertThat(Instant.parse(body.get("expiresAt").asString()).getEpochSecond()).isEqualTo(expiry);

        assertThat(coturn.allocate(username, turn.get("credential").asString())).as("a real allocation").isTrue();
        // The credential is bound to its username: another identity or a tampered one is refused by coturn itself.
        assertThat(coturn.allocate(expiry + ":agent2", turn.get("credential").asString())).isFalse();
        assertThat(coturn.allocate(username, "AAAAAAAAAAAAAAAAAAAAAAAAAAA=")).isFalse();
    }

    @Test
    void anExpiredCredentialIsRefusedByTheTurnServer() throws Exception {
        // What the platform would have issued an hour ago with a ten-minute lifetime.
        JsonNode turn = http.get("/api/v2/calls/ice-servers", http.agentToken("demo-backend", "agent1", "video")).json().get("iceServers").get(1);
        String past = (Instant.now().getEpochSecond() - 3000) + ":agent1";
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA1");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET.getBytes(java.nio.charset.StandardCharsets.UTF_8), "HmacSHA1"));
        String password = java.util.Base64.getEncoder().encodeToString(mac.doFinal(past.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(turn.get("username").asString()).endsWith(":agent1");
        assertThat(coturn.allocate(past, password)).isFalse();
    }

    @Test
    void aTokenWithoutVoiceOrVideoIsToldWhichScopeToRequest() {
        Reply reply = http.get("/api/v2/calls/ice-servers", http.agentToken("demo-backend", "agent1", "messaging:read"));
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.json().get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(reply.json().get("message").asString()).contains("voice").contains("the ICE servers API");
        assertThat(reply.json().get("hint").asString()).startsWith("Request voice when obtaining the token");
        Reply anonymous = http.get("/api/v2/calls/ice-servers", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("code").asString()).isEqualTo("token.missing");
    }
}
