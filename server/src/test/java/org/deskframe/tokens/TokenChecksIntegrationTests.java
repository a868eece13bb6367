package org.deskframe.tokens;

import static org.assertj.core.api.Assertions.assertThat;

import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class TokenChecksIntegrationTests extends DeskframeServerTest {

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
        assertThat(problem.get("hint").asString()).contains("messaging:write").contains("demo-backend");
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
}
