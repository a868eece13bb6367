package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.boot.test.system.OutputCaptureExtension;
import tools.jackson.databind.JsonNode;

@ExtendWith(OutputCaptureExtension.class)
class TokenChecksIntegrationTests extends DeskframeServerTest {

    /** A client of org demo that may embed but is allowed messaging:read and voice only. */
    static final String NARROW_CLIENT = "narrow-scopes-backend";

    @Autowired
    ClientDirectory clients;

    @Autowired
    JdbcClient jdbc;

    @Test
    void tokensMeDescribesAnAgentTokenFromTheTrustedBackendGrant() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).isEqualTo(200);
        JsonNode body = me.json();
        assertThat(body.get("agent").get("id").asString()).isEqualTo("agent1");
        assertThat(body.get("org").get("id").asString()).isEqualTo("demo");
        assertThat(body.get("client").get("id").asString()).isEqualTo("demo-backend");
        assertThat(body.get("region").asString()).isEqualTo("local");
        assertThat(body.get("scopes").toString()).contains("messaging:read", "messaging:write");
        assertThat(body.get("expiresInSeconds").asLong()).isBetween(800L, 900L);
    }

    @Test
    void whenTokenLacksMessagingWriteThenAuthorizeNamesTheScopeAndTheFix() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read voice");
        Reply reply = http.get("/api/v2/authorize?widgets=messaging,voice", token);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode messaging = reply.json().get("widgets").get("messaging");
        assertThat(messaging.get("ready").asBoolean()).isFalse();
        JsonNode problem = messaging.get("problems").get(0);
        assertThat(problem.get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(problem.get("message").asString()).contains("messaging:write");
        // demo-backend allows messaging:write: the backend only has to ask for it.
        assertThat(problem.get("hint").asString()).isEqualTo("Request messaging:write when obtaining the token (your"
                + " backend asked for: messaging:read voice); OAuth client demo-backend already allows it.");
        assertThat(problem.get("required").toString()).contains("messaging:read", "messaging:write");
        assertThat(problem.get("granted").toString()).contains("messaging:read", "voice").doesNotContain("messaging:write");
        assertThat(reply.json().get("widgets").get("voice").get("ready").asBoolean()).isTrue();
    }

    @Test
    void whenNoTokenArrivesThroughAProxyThenTheHintBlamesTheProxy() {
        Reply reply = http.get("/api/v2/tokens/me", null, "X-Forwarded-For", "203.0.113.9");
        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer");
        assertThat(reply.json().get("code").asString()).isEqualTo("token.missing");
        assertThat(reply.json().get("hint").asString()).contains("proxy").contains("Authorization");
    }

    @Test
    void whenTheClientIsNotAllowedTheMissingScopeThenEveryPathSaysToAllowItFirstThenRequestIt(CapturedOutput log) {
        if (clients.find(NARROW_CLIENT).isEmpty()) {
            clients.register(new ClientDirectory.ClientRegistration(NARROW_CLIENT, "demo", "Backend with narrow scopes",
                    NARROW_CLIENT + TestClient.DEMO_SECRET_SUFFIX, true, Set.of("client_secret_basic"),
                    Set.of(OAuthClient.GRANT_JWT_BEARER), Set.of(), Set.of("messaging:read", "voice"), Set.of(BASE),
                    Set.of(OAuthClient.CAPABILITY_EMBED), null, Duration.ofMinutes(15), Duration.ofHours(1), true));
        }
        String token = http.agentToken(NARROW_CLIENT, "agent1", "messaging:read voice");
        String expectedHint = "Add messaging:write to the allowed scopes of OAuth client " + NARROW_CLIENT + " (admin API),"
                + " then request messaging:write when obtaining the token (your backend asked for: messaging:read voice).";

        // HTTP: the dry run.
        JsonNode problem = http.get("/api/v2/authorize?widgets=messaging", token).json()
                .get("widgets").get("messaging").get("problems").get(0);
        assertThat(problem.get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(problem.get("hint").asString()).isEqualTo(expectedHint);
        assertThat(problem.get("notAllowed").toString()).isEqualTo("[\"messaging:write\"]");

        // WebSocket: the error frame and the close frame.
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "id", "a1", "token", token, "widget", "messaging");
            JsonNode error = ws.next();
            assertThat(error.get("code").asString()).isEqualTo("token.scope_missing");
            assertThat(error.get("hint").asString()).isEqualTo(expectedHint);
            assertThat(ws.closeCode()).isEqualTo(4305);
            assertThat(ws.closeReason()).isEqualTo("token.scope_missing");
        }
        // The server log: the same code, message and fix.
        assertThat(log.getAll()).contains("token.scope_missing: The token lacks scope messaging:write needed by the"
                + " messaging widget (granted: messaging:read voice). Fix: " + expectedHint);
    }

    @Test
    void aTokenWhoseIdTheLedgerDoesNotKnowIsRefusedOnEveryPath() throws Exception {
        // Signed by this server's own key, every claim right, but its jti is not in the ledger (a restored backup, a
        // purged row): the check fails closed, it never trusts a signature alone.
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        String jti = com.nimbusds.jwt.SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        assertThat(jdbc.sql("delete from access_token_ledger where jti = ?").param(jti).update()).isEqualTo(1);

        // A row changed behind identity's back reports no change: this node trusts its last read of it for at most
        // deskframe.tokens.record-staleness (500 ms), never longer.
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(50))
                .until(() -> http.get("/api/v2/tokens/me", token).status() == 401);
        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.json().get("code").asString()).isEqualTo("token.revoked");
        try (StreamClient ws = StreamClient.connect(BASE)) {
            ws.sendFrame("op", "authenticate", "id", "a1", "token", token, "widget", "messaging");
            assertThat(ws.next().get("code").asString()).isEqualTo("token.revoked");
            assertThat(ws.closeCode()).isEqualTo(4102);
        }
    }
}
