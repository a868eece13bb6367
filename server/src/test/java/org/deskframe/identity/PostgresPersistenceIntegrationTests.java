package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.deskframe.DeskframeApplication;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.PostgresServerTest;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The flows that write to the database, on PostgreSQL: tokens, the ledger, revocation, replay, keys across a restart. */
class PostgresPersistenceIntegrationTests extends PostgresServerTest {

    private static final String SECRET = "demo-backend" + TestClient.DEMO_SECRET_SUFFIX;

    @Autowired
    JdbcClient jdbc;

    @Test
    void theServerRunsInItsOwnPostgresSchemaMigratedByFlyway() {
        assertThat(jdbc.sql("select current_schema()").query(String.class).single()).isEqualTo(SCHEMA);
        assertThat(jdbc.sql("select version()").query(String.class).single()).startsWith("PostgreSQL");
        assertThat(jdbc.sql("select count(*) from flyway_schema_history where success").query(Integer.class).single()).isPositive();
    }

    @Test
    void clientCredentialsTokenIsLedgeredAndDescribedByTokensMe() {
        String token = http.clientToken("demo-backend", "messaging:read");
        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("client").get("id").asString()).isEqualTo("demo-backend");
        assertThat(me.json().get("agent").isNull()).isTrue();
        assertThat(liveLedgerRows(token)).isEqualTo(1);
    }

    @Test
    void jwtBearerAgentTokenIsLedgeredAndDescribedByTokensMe() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("agent").get("id").asString()).isEqualTo("agent1");
        assertThat(me.json().get("org").get("id").asString()).isEqualTo("demo");
        assertThat(me.json().get("scopes").toString()).contains("messaging:read", "messaging:write");
        assertThat(liveLedgerRows(token)).isEqualTo(1);
    }

    @Test
    void whenAnAccessTokenIsRevokedThenTokensMeAnswersTokenRevoked() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);

        Reply revoke = http.form("/oauth2/revoke", "demo-backend", SECRET,
                Map.of("token", token, "token_type_hint", "access_token"));
        assertThat(revoke.status()).as(revoke.body()).isEqualTo(200);

        Reply me = http.get("/api/v2/tokens/me", token);
        assertThat(me.status()).as(me.body()).isEqualTo(401);
        assertThat(me.json().get("code").asString()).isEqualTo("token.revoked");
        assertThat(liveLedgerRows(token)).isZero();
    }

    @Test
    void whenAJwtBearerAssertionIsReplayedThenTheSecondUseIsRefused() {
        String assertion = TestClient.hs256Assertion("demo-backend", SECRET, "agent1", BASE + "/oauth2/token",
                Instant.now(), Duration.ofMinutes(2), UUID.randomUUID().toString());
        Map<String, String> grant = new LinkedHashMap<>();
        grant.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        grant.put("assertion", assertion);
        grant.put("scope", "messaging:read");

        Reply first = http.form("/oauth2/token", "demo-backend", SECRET, grant);
        assertThat(first.status()).as(first.body()).isEqualTo(200);
        Reply replay = http.form("/oauth2/token", "demo-backend", SECRET, grant);
        assertThat(replay.status()).as(replay.body()).isEqualTo(400);
        assertThat(replay.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(replay.json().get("error_description").asString()).contains("already used");
    }

    @Test
    void aTokenIssuedBeforeARestartIsVerifiedWithTheSameKeysAfterIt() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");
        String jwksBefore = http.get("/oauth2/jwks", null).body();
        int keysBefore = jdbc.sql("select count(*) from signing_keys").query(Integer.class).single();

        // A second node over the same schema stands in for a restart: it must load the stored keys, not make new ones.
        int port = DeskframeServerTest.freePort();
        String[] args = nodeProperties(port).entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue())
                .toArray(String[]::new);
        try (ConfigurableApplicationContext restarted = new SpringApplicationBuilder(DeskframeApplication.class).run(args)) {
            assertThat(restarted.getBean(SigningKeys.class).publicKeys().toString()).isEqualTo(jwksBefore);
            Reply me = new TestClient("http://localhost:" + port).get("/api/v2/tokens/me", token);
            assertThat(me.status()).as(me.body()).isEqualTo(200);
            assertThat(me.json().get("agent").get("id").asString()).isEqualTo("agent1");
        }
        assertThat(jdbc.sql("select count(*) from signing_keys").query(Integer.class).single()).isEqualTo(keysBefore);
    }

    private int liveLedgerRows(String token) {
        return jdbc.sql("select count(*) from access_token_ledger where jti = ? and revoked_at is null").param(jti(token))
                .query(Integer.class).single();
    }

    private static String jti(String token) {
        try {
            return SignedJWT.parse(token).getJWTClaimsSet().getJWTID();
        } catch (ParseException e) {
            throw new IllegalStateException(e);
        }
    }
}
