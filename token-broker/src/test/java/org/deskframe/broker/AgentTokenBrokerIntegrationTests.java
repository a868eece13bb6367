package org.deskframe.broker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The broker against the real platform: jwt-bearer with HS256/RS256/ES256, code + PKCE with rotation, real errors. */
class AgentTokenBrokerIntegrationTests {

    static final String SECRET = "demo-backend-secret-0123456789abcdef";
    static ServerInstance server;
    static TestClient http;

    @BeforeAll
    static void startPlatform() throws Exception {
        Path data = Files.createTempDirectory("broker-it");
        server = new ServerInstance(data, Map.of()).start();
        http = server.http();
    }

    @AfterAll
    static void stopPlatform() {
        if (server != null) server.close();
    }

    static AgentTokenBroker.Builder broker() {
        return AgentTokenBroker.builder(server.base(), "demo-backend", SECRET);
    }

    @Test
    void hs256AssertionGetsAnAgentTokenThatOpensTheMessagingWidget() {
        AgentTokenBroker broker = broker().hs256Assertions().build();
        AgentToken token = broker.token("agent1", "messaging:read", "messaging:write");
        assertThat(broker.token("agent1", "messaging:write", "messaging:read").value()).isEqualTo(token.value());

        Reply me = http.get("/api/v2/tokens/me", token.value());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("agent").get("username").asString()).isEqualTo("agent1");
        assertThat(me.json().get("scopes").toString()).contains("messaging:read", "messaging:write").doesNotContain("voice");
        assertThat(token.scopes()).containsExactly("messaging:read", "messaging:write");
        assertThat(token.expiresAt()).isBetween(java.time.Instant.now().plusSeconds(800), java.time.Instant.now().plusSeconds(901));

        JsonNode messaging = http.get("/api/v2/authorize?widgets=messaging&origin=http://localhost:8081", token.value())
                .json().get("widgets").get("messaging");
        assertThat(messaging.get("ready").asBoolean()).as(messaging.toString()).isTrue();
    }

    @Test
    void manyConcurrentCallersShareOneTokenFromThePlatform() throws Exception {
        AgentTokenBroker broker = broker().hs256Assertions().build();
        List<Future<AgentToken>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 24; i++) results.add(pool.submit(() -> broker.token("agent2", "presence")));
        }
        String first = results.getFirst().get().value();
        for (Future<AgentToken> f : results) assertThat(f.get().value()).isEqualTo(first);
    }

    @Test
    void whenAScopeIsNotAllowedThenTheCatalogueCodeMessageAndHintArrive() {
        AgentTokenBroker broker = broker().hs256Assertions().build();
        assertThatThrownBy(() -> broker.token("agent1", "messaging:read", "admin"))
                .isInstanceOfSatisfying(TokenBrokerException.class, e -> {
                    assertThat(e.isTransient()).isFalse();
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.error()).contains("invalid_scope");
                    assertThat(e.code()).contains("scope.not_allowed");
                    assertThat(e.serverMessage()).contains("admin").contains("demo-backend");
                    assertThat(e.hint()).isPresent();
                    assertThat(e.attempts()).isEqualTo(1);
                });
    }

    @Test
    void whenTheAgentIsNotOfTheClientsOrgThenInvalidGrantSaysWhy() {
        AgentTokenBroker broker = broker().hs256Assertions().build();
        assertThatThrownBy(() -> broker.token("acme-agent1", "messaging:read"))
                .isInstanceOfSatisfying(TokenBrokerException.class, e -> {
                    assertThat(e.error()).contains("invalid_grant");
                    assertThat(e.code()).contains("grant.agent_not_in_org");
                    assertThat(e.serverMessage()).contains("acme-agent1").contains("demo");
                    assertThat(e.hint()).get().asString().contains("organisation demo");
                    assertThat(e.getMessage()).contains("[grant.agent_not_in_org]");
                    assertThat(e.isTransient()).isFalse();
                });
    }

    @Test
    void whenTheClientSecretIsWrongThenInvalidClient() {
        AgentTokenBroker broker = AgentTokenBroker.builder(server.base(), "demo-backend", "wrong-secret-wrong-secret-wrong-secret")
                .hs256Assertions().build();
        assertThatThrownBy(() -> broker.token("agent1")).isInstanceOfSatisfying(TokenBrokerException.class, e -> {
            assertThat(e.httpStatus()).isEqualTo(401);
            assertThat(e.error()).contains("invalid_client");
            assertThat(e.isTransient()).isFalse();
        });
    }

    @Test
    void rs256AndEs256AssertionsWorkWithTheClientsRegisteredPublicKeys() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("backend-rsa-1").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("backend-ec-1").generate();
        String admin = http.clientToken("demo-admin", "admin");
        String jwks = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString();
        Reply patched = http.send("PATCH", "/api/v2/admin/orgs/demo/clients/demo-backend", admin, "{\"jwks\":" + jwks + "}");
        assertThat(patched.status()).as(patched.body()).isEqualTo(200);

        AgentToken viaRsa = broker().assertionSigner(AssertionSigner.fromPrivateJwk(rsa.toJSONString())).build()
                .token("agent1", "voice");
        AgentToken viaEc = broker().assertionSigner(AssertionSigner.es256(ec.toECPrivateKey(), "backend-ec-1")).build()
                .token("agent1", "video");
        assertThat(http.get("/api/v2/tokens/me", viaRsa.value()).json().get("scopes").toString()).contains("voice");
        assertThat(http.get("/api/v2/tokens/me", viaEc.value()).json().get("scopes").toString()).contains("video");
    }

    @Test
    void codeFlowAgentsAreRefreshedWithRotationAndTheNewestRefreshTokenIsKept() throws Exception {
        RefreshTokenStore store = RefreshTokenStore.inMemory();
        AgentTokenBroker broker = broker().refreshTokenStore(store).build(); // no signer: refresh tokens only
        var signIn = CodeFlowSignIn.signIn(server.base(), "demo-backend", URI.create("http://localhost:8081/oauth/callback"),
                "messaging:read messaging:write", "agent2", "agent2-demo-pass");
        AgentToken first = broker.exchangeAuthorizationCode("agent2", signIn.code(), signIn.verifier(), signIn.redirectUri());
        String firstRefresh = store.find("agent2").orElseThrow();
        assertThat(first.scopes()).containsExactly("messaging:read", "messaging:write");
        assertThat(broker.token("agent2", "messaging:read", "messaging:write").value()).isEqualTo(first.value());

        broker.invalidate("agent2");
        AgentToken second = broker.token("agent2", "messaging:read", "messaging:write");
        String secondRefresh = store.find("agent2").orElseThrow();
        assertThat(second.value()).isNotEqualTo(first.value());
        assertThat(secondRefresh).isNotEqualTo(firstRefresh);
        assertThat(http.get("/api/v2/tokens/me", second.value()).json().get("agent").get("username").asString()).isEqualTo("agent2");

        // The rotated-away refresh token no longer works; the broker's newest one does.
        Reply old = http.form("/oauth2/token", "demo-backend", SECRET, Map.of("grant_type", "refresh_token", "refresh_token", firstRefresh));
        assertThat(old.status()).isEqualTo(400);
        assertThat(old.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(old.json().get("code").asString()).isEqualTo("refresh.rotated");
        broker.invalidate("agent2");
        assertThat(broker.token("agent2", "messaging:read", "messaging:write").value()).isNotEqualTo(second.value());
        assertThat(store.find("agent2")).isPresent().get().isNotEqualTo(secondRefresh);
    }
}
