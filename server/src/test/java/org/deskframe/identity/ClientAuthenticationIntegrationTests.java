package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.auth.ClientSecretPost;
import com.nimbusds.oauth2.sdk.auth.PrivateKeyJWT;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.id.ClientID;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

/** client_credentials, and the ways a client proves who it is: its secret (Basic or form) or a JWT signed with its key. */
class ClientAuthenticationIntegrationTests extends AuthorizationServerTest {

    @Test
    void clientCredentialsGivesTheClientItsOwnTokenWithoutRefreshToken() throws Exception {
        Exchange tokens = token(basic("demo-backend"), new ClientCredentialsGrant(), new Scope("presence"));

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(tokens.refreshToken()).isNull();
        assertThat(tokens.http().getHeaderValue("Cache-Control")).contains("no-store");
        JWTClaimsSet claims = SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo("demo-backend");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-backend");
        assertThat(claims.getStringClaim("org")).isEqualTo("demo");
        assertThat(claims.getStringClaim("scope")).isEqualTo("presence");
        assertThat(claims.getAudience()).containsExactly(BASE + "/api");

        Reply me = http.get("/api/v2/tokens/me", tokens.accessToken().getValue());
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.json().get("agent").isNull()).isTrue();
    }

    @Test
    void clientCredentialsRefusesAScopeTheClientMayNotHave() {
        Exchange refused = token(basic("demo-backend"), new ClientCredentialsGrant(), new Scope("admin"));

        assertThat(refused.error()).isEqualTo("invalid_scope");
        assertThat(refused.errorDescription()).contains("admin");
    }

    @Test
    void theSecretMayAlsoBeSentInTheForm() {
        ClientSecretPost post = new ClientSecretPost(new ClientID("demo-backend"), new Secret(demoSecret("demo-backend")));

        assertThat(token(post, new ClientCredentialsGrant(), null).ok()).isTrue();
    }

    @Test
    void aWrongSecretIsInvalidClientWith401() {
        OAuthClient client = newClient("demo");

        Exchange refused = token(basic(client.clientId(), "wrong-secret-0123456789abcdef-0123"), new ClientCredentialsGrant(), null);

        assertThat(refused.http().getStatusCode()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("invalid_client");
    }

    @Test
    void anUnknownClientIsInvalidClient() {
        Exchange refused = token(basic(unique("nobody"), "whatever-secret-0123456789abcdef-01"), new ClientCredentialsGrant(), null);

        assertThat(refused.http().getStatusCode()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("invalid_client");
    }

    @Test
    void aDisabledClientIsInvalidClient() {
        OAuthClient client = newClient("demo");
        clients.update(client.clientId(), new ClientDirectory.ClientChange(null, null, null, null, null, null, null, null, null, false));

        Exchange refused = token(basic(client.clientId()), new ClientCredentialsGrant(), null);

        assertThat(refused.error()).isEqualTo("invalid_client");
    }

    @Test
    void unsupportedGrantsAreUnsupportedGrantType() {
        Reply exchange = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:token-exchange", "subject_token", "x",
                "subject_token_type", "urn:ietf:params:oauth:token-type:access_token"));
        Reply device = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), Map.of(
                "grant_type", "urn:ietf:params:oauth:grant-type:device_code", "device_code", "x"));
        Reply password = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), Map.of(
                "grant_type", "password", "username", "agent1", "password", "agent1-demo-pass"));

        for (Reply reply : new Reply[] {exchange, device, password}) {
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.json().get("error").asString()).isEqualTo("unsupported_grant_type");
        }
    }

    // --- private_key_jwt ------------------------------------------------------------------------------------------

    @Test
    void aClientAuthenticatesWithAJwtSignedByItsRegisteredKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("pkj-1").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("private_key_jwt"));

        Exchange tokens = token(privateKeyJwt(client.clientId(), key), new ClientCredentialsGrant(), null);

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet().getSubject()).isEqualTo(client.clientId());
    }

    @Test
    void aPrivateKeyJwtClientUsesTheJwtBearerGrantWithAnRs256Assertion() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("pkj-2").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("private_key_jwt"));
        Agent agent = newAgent("demo");
        SignedJWT assertion = new SignedJWT(new com.nimbusds.jose.JWSHeader.Builder(JWSAlgorithm.RS256).keyID("pkj-2").build(),
                assertionClaims(client.clientId(), agent.username()).build());
        assertion.sign(new com.nimbusds.jose.crypto.RSASSASigner(key));

        Exchange tokens = token(privateKeyJwt(client.clientId(), key), new JWTBearerGrant(assertion), new Scope("voice"));

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet().getSubject()).isEqualTo(agent.id());
    }

    @Test
    void aClientJwtSignedWithAnUnregisteredKeyIsInvalidClient() throws Exception {
        RSAKey registered = new RSAKeyGenerator(2048).keyID("pkj-3").generate();
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("pkj-3").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(registered.toPublicJWK()).toString(),
                Set.of("private_key_jwt"));

        Exchange refused = token(privateKeyJwt(client.clientId(), attacker), new ClientCredentialsGrant(), null);

        assertThat(refused.http().getStatusCode()).isEqualTo(401);
        assertThat(refused.error()).isEqualTo("invalid_client");
    }

    @Test
    void aClientJwtCannotBeReplayed() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("pkj-4").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("private_key_jwt"));
        PrivateKeyJWT once = privateKeyJwt(client.clientId(), key);
        assertThat(token(once, new ClientCredentialsGrant(), null).ok()).isTrue();

        Exchange replay = token(once, new ClientCredentialsGrant(), null);

        assertThat(replay.error()).isEqualTo("invalid_client");
    }

    @Test
    void aSecretDoesNotAuthenticateAPrivateKeyJwtClient() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("pkj-5").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("private_key_jwt"));

        assertThat(token(basic(client.clientId()), new ClientCredentialsGrant(), null).error()).isEqualTo("invalid_client");
    }

    static PrivateKeyJWT privateKeyJwt(String clientId, RSAKey key) throws Exception {
        return new PrivateKeyJWT(new ClientID(clientId), tokenEndpoint(), JWSAlgorithm.RS256, key.toRSAPrivateKey(), key.getKeyID(), null);
    }
}
