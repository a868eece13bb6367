package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * A token the server has checked before (its signature and this node's reads of the ledger, client and agent kept)
 * is still refused the moment identity takes away what it stands on, over HTTP and at the gateway's handshake, with
 * the same code as a token never seen; and what identity gives back is honoured at once too.
 */
class TokenCacheIntegrationTests extends DeskframeServerTest {

    private static final String RW = "messaging:read messaging:write";
    private static final String ORIGIN = "https://desk.cache.example";
    private static final String LATER_ORIGIN = "https://later.cache.example";

    @Autowired
    ClientDirectory clients;

    @Test
    void aCheckedTokenIsRefusedRightAfterItsRevocationOverHttpAndAtTheHandshake() {
        String token = http.agentToken("demo-backend", "agent1", RW);
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        assertReady(token, null);

        Reply revoke = http.form("/oauth2/revoke", "demo-backend", "demo-backend-secret-0123456789abcdef",
                Map.of("token", token, "token_type_hint", "access_token"));
        assertThat(revoke.status()).isEqualTo(200);

        assertRefusedOverHttp(token, "token.revoked");
        assertRefusedAtHandshake(token, null, "token.revoked", 4102);
    }

    @Test
    void aCheckedTokenOfAnAgentDisabledRightAfterNamesTheAgentAndAReEnabledAgentIsAcceptedAtOnce() {
        String agent = createAgent("cache-agent");
        String token = http.agentToken("demo-backend", agent, RW);
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        assertReady(token, null);

        patchAgent(agent, "{\"enabled\":false}");

        assertRefusedOverHttp(token, "agent.disabled");
        assertRefusedAtHandshake(token, null, "agent.disabled", 4309);

        patchAgent(agent, "{\"enabled\":true}");
        String fresh = http.agentToken("demo-backend", agent, RW);
        assertThat(http.get("/api/v2/tokens/me", fresh).status()).isEqualTo(200);
        assertReady(fresh, null);
    }

    @Test
    void aCheckedTokenOfAClientDisabledRightAfterIsRefusedAsUnknownClient() {
        String client = registerClient("cache-client", Set.of(ORIGIN));
        String token = http.agentToken(client, "agent1", RW);
        assertReady(token, ORIGIN);

        patchClient(client, "{\"enabled\":false}");

        assertRefusedOverHttp(token, "client.unknown");
        assertRefusedAtHandshake(token, ORIGIN, "client.unknown", 4307);
    }

    @Test
    void anEmbeddingOriginAddedRightAfterARefusalOpensTheNextHandshake() {
        String client = registerClient("cache-origin", Set.of(ORIGIN));
        String token = http.agentToken(client, "agent1", RW);
        assertReady(token, ORIGIN);
        assertRefusedAtHandshake(token, LATER_ORIGIN, "origin.not_allowed", 4308);

        patchClient(client, "{\"allowedEmbeddingOrigins\":[\"" + ORIGIN + "\",\"" + LATER_ORIGIN + "\"]}");

        assertReady(token, LATER_ORIGIN);
    }

    @Test
    void aCheckedTokenStaysValidAfterOneKeyRotationAndIsRefusedOnceItsKeyIsRetired() {
        String token = http.agentToken("demo-backend", "agent1", RW);
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        // The deployment administrator (no organisation) is the one who may rotate keys.
        Reply issued = http.form("/oauth2/token", "deskframe-admin", "test-bootstrap-admin-secret-0123456789abcdef",
                Map.of("grant_type", "client_credentials", "scope", "admin"));
        assertThat(issued.status()).as(issued.body()).isEqualTo(200);
        String admin = issued.json().get("access_token").asString();

        rotate(admin);
        // One rotation: the previous key is still published, its tokens still valid.
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        assertReady(token, null);

        rotate(admin);
        assertRefusedOverHttp(token, "token.bad_signature");
        assertRefusedAtHandshake(token, null, "token.bad_signature", 4301);
    }

    private void rotate(String admin) {
        Reply r = http.send("POST", "/api/v2/admin/signing-keys/rotate", admin, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Refused with the catalogue's code and its status (401 for the token's own faults, 403 for a disabled agent). */
    private void assertRefusedOverHttp(String token, String code) {
        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).as(me.body()).isEqualTo(code.equals("agent.disabled") ? 403 : 401);
        assertThat(me.json().get("code").asString()).isEqualTo(code);
    }

    private void assertReady(String token, String embedOrigin) {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            authenticate(ws, token, embedOrigin);
            JsonNode reply = ws.next(f -> true, Duration.ofSeconds(5));
            assertThat(reply.get("op").asString()).as(reply.toString()).isEqualTo("ready");
        }
    }

    private void assertRefusedAtHandshake(String token, String embedOrigin, String code, int closeCode) {
        try (StreamClient ws = StreamClient.connect(BASE)) {
            authenticate(ws, token, embedOrigin);
            JsonNode error = ws.next();
            assertThat(error.get("op").asString()).isEqualTo("error");
            assertThat(error.get("code").asString()).isEqualTo(code);
            assertThat(ws.closeCode()).isEqualTo(closeCode);
            assertThat(ws.closeReason()).isEqualTo(code);
        }
    }

    private static void authenticate(StreamClient ws, String token, String embedOrigin) {
        if (embedOrigin == null) {
            ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", "messaging");
        } else {
            ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", "messaging", "embedOrigin", embedOrigin);
        }
    }

    private String createAgent(String prefix) {
        String id = prefix + "-" + Long.toString(System.nanoTime(), 36);
        Reply r = http.send("POST", "/api/v2/admin/orgs/demo/agents", http.clientToken("demo-admin", "admin"),
                "{\"id\":\"" + id + "\",\"username\":\"" + id + "\",\"displayName\":\"Cache test\"}");
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    private void patchAgent(String agent, String body) {
        Reply r = http.send("PATCH", "/api/v2/admin/orgs/demo/agents/" + agent, http.clientToken("demo-admin", "admin"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private String registerClient(String prefix, Set<String> origins) {
        String id = prefix + "-" + Long.toString(System.nanoTime(), 36);
        clients.register(new ClientDirectory.ClientRegistration(id, "demo", "Token cache test", id + "-secret-0123456789abcdef",
                true, Set.of("client_secret_basic"), Set.of("urn:ietf:params:oauth:grant-type:jwt-bearer"), Set.of(),
                Set.of("messaging:read", "messaging:write"), origins, Set.of("embed"), null,
                Duration.ofMinutes(15), Duration.ofHours(1), true));
        return id;
    }

    private void patchClient(String client, String body) {
        Reply r = http.send("PATCH", "/api/v2/admin/orgs/demo/clients/" + client, http.clientToken("demo-admin", "admin"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }
}
