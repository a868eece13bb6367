package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.Set;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

/**
 * The trusted-backend grant (RFC 7523): the backend authenticates as its client and presents an assertion it signed
 * itself, naming one of its own org's agents. Every bad assertion is {@code invalid_grant} with the reason.
 */
class JwtBearerGrantIntegrationTests extends AuthorizationServerTest {

    private static final Scope MESSAGING = new Scope("messaging:read", "messaging:write");

    @Test
    void aBackendGetsAnAgentTokenWithAnHs256AssertionSignedWithItsSecret() throws Exception {
        Agent agent = newAgent("demo");
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build());

        Exchange tokens = token(basic("demo-backend"), new JWTBearerGrant(assertion), MESSAGING);

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(tokens.http().getHeaderValue("Cache-Control")).contains("no-store");
        JWTClaimsSet claims = SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet();
        assertThat(claims.getSubject()).isEqualTo(agent.id());
        assertThat(claims.getStringClaim("org")).isEqualTo("demo");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-backend");
        assertThat(claims.getStringClaim("scope")).isEqualTo("messaging:read messaging:write");
        assertThat(SignedJWT.parse(tokens.accessToken().getValue()).getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(http.get("/api/v2/tokens/me", tokens.accessToken().getValue()).json().get("agent").get("id").asString())
                .isEqualTo(agent.id());
    }

    @Test
    void theGrantIssuesNoRefreshToken() {
        Agent agent = newAgent("demo");
        Exchange tokens = token(basic("demo-backend"),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build())), MESSAGING);

        assertThat(tokens.ok()).isTrue();
        assertThat(tokens.refreshToken()).isNull();
        assertThat(tokens.http().getBody()).doesNotContain("refresh_token");
    }

    @Test
    void withoutAScopeTheTokenCarriesAllOfTheClientsScopes() throws Exception {
        Agent agent = newAgent("demo");
        Exchange tokens = token(basic("demo-backend"),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build())), null);

        assertThat(SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet().getStringClaim("scope").split(" "))
                .containsExactlyInAnyOrderElementsOf(WIDGET_SCOPES);
    }

    @Test
    void aBackendGetsAnAgentTokenWithAnRs256AssertionSignedWithARegisteredKey() throws Exception {
        RSAKey key = new RSAKeyGenerator(2048).keyID("backend-key-1").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("client_secret_basic"));
        Agent agent = newAgent("demo");
        SignedJWT assertion = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("backend-key-1").build(),
                assertionClaims(client.clientId(), agent.username()).build(), key);

        Exchange tokens = token(basic(client.clientId()), new JWTBearerGrant(assertion), MESSAGING);

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(SignedJWT.parse(tokens.accessToken().getValue()).getJWTClaimsSet().getSubject()).isEqualTo(agent.id());
        assertThat(tokens.refreshToken()).isNull();
    }

    @Test
    void aBackendGetsAnAgentTokenWithAnEs256AssertionSignedWithARegisteredKey() throws Exception {
        ECKey key = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(key.toPublicJWK()).toString(),
                Set.of("client_secret_basic"));
        Agent agent = newAgent("demo");
        SignedJWT assertion = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID("ec-1").build(),
                assertionClaims(client.clientId(), agent.username()).build());
        assertion.sign(new ECDSASigner(key));

        assertThat(token(basic(client.clientId()), new JWTBearerGrant(assertion), MESSAGING).ok()).isTrue();
    }

    // --- invalid_grant --------------------------------------------------------------------------------------------

    @Test
    void anAssertionSignedWithAnotherSecretIsRefused() throws Exception {
        Agent agent = newAgent("demo");
        SignedJWT forged = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), assertionClaims("demo-backend", agent.username()).build());
        forged.sign(new MACSigner("not-the-client-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8)));

        assertRefused(basicDemo(), forged, "assertion.bad_signature", "signature");
    }

    @Test
    void anAssertionWithATamperedPayloadIsRefused() throws Exception {
        Agent agent = newAgent("demo");
        Agent victim = newAgent("demo");
        SignedJWT genuine = hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build());
        Base64URL[] parts = SignedJWT.parse(genuine.serialize()).getParsedParts();
        JWTClaimsSet swapped = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet()).subject(victim.username()).build();
        SignedJWT tampered = new SignedJWT(parts[0], Base64URL.encode(swapped.toString()), parts[2]);

        assertRefused(basicDemo(), tampered, "assertion.bad_signature", "signature");
    }

    @Test
    void anUnsignedAssertionIsRefused() {
        Agent agent = newAgent("demo");
        String unsigned = new PlainJWT(assertionClaims("demo-backend", agent.username()).build()).serialize();

        Reply reply = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), Map.of(
                "grant_type", OAuthClient.GRANT_JWT_BEARER, "assertion", unsigned));

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(reply.json().get("code").asString()).isEqualTo("assertion.invalid");
        assertThat(reply.json().get("message").asString()).contains("not a signed JWT");
    }

    @Test
    void anExpiredAssertionIsRefused() {
        Agent agent = newAgent("demo");
        Instant past = Instant.now().minus(Duration.ofMinutes(10));
        JWTClaimsSet claims = assertionClaims("demo-backend", agent.username())
                .issueTime(Date.from(past)).expirationTime(Date.from(past.plusSeconds(120))).build();

        assertRefused(basicDemo(), hs256Assertion("demo-backend", claims), "assertion.invalid", "expired");
    }

    @Test
    void anAssertionForAnotherAudienceIsRefused() {
        Agent agent = newAgent("demo");
        JWTClaimsSet claims = assertionClaims("demo-backend", agent.username()).audience("https://other.example/oauth2/token").build();

        assertRefused(basicDemo(), hs256Assertion("demo-backend", claims), "assertion.invalid", "aud");
    }

    @Test
    void anAssertionAddressedToThisServerUnderAnotherNameGetsAHintNamingTheIssuer() {
        Agent agent = newAgent("demo");
        String otherName = BASE.replace("localhost", "127.0.0.1");
        JWTClaimsSet claims = assertionClaims("demo-backend", agent.username()).audience(otherName + "/oauth2/token").build();

        Exchange refused = token(basicDemo(), new JWTBearerGrant(hs256Assertion("demo-backend", claims)), MESSAGING);
        assertThat(refused.code()).isEqualTo("assertion.invalid");
        assertThat(refused.field("message")).isEqualTo("The jwt-bearer assertion is refused: aud [" + otherName
                + "/oauth2/token] does not include the token endpoint '" + BASE + "/oauth2/token'.");
        assertThat(refused.field("hint")).isEqualTo("Give your backend (the token broker, the example desktop's"
                + " DESKFRAME_ENV) this deployment's issuer '" + BASE + "' as the platform URL: assertions are addressed"
                + " to its token endpoint '" + BASE + "/oauth2/token'.");
    }

    @Test
    void anAssertionIssuedByAnotherClientIsRefused() {
        Agent agent = newAgent("demo");
        JWTClaimsSet claims = assertionClaims("demo-noembed", agent.username()).build();

        assertRefused(basicDemo(), hs256Assertion("demo-backend", claims), "assertion.invalid", "iss");
    }

    @Test
    void anAssertionWithoutJtiIsRefused() {
        Agent agent = newAgent("demo");
        JWTClaimsSet claims = assertionClaims("demo-backend", agent.username()).jwtID(null).build();

        assertRefused(basicDemo(), hs256Assertion("demo-backend", claims), "assertion.invalid", "jti");
    }

    @Test
    void aReplayedAssertionIsRefused() {
        Agent agent = newAgent("demo");
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build());
        assertThat(token(basicDemo(), new JWTBearerGrant(assertion), MESSAGING).ok()).isTrue();

        assertRefused(basicDemo(), assertion, "assertion.replayed", "already used");
    }

    @Test
    void anAssertionForAnAgentOfAnotherOrganisationIsRefused() {
        SignedJWT assertion = hs256Assertion("acme-backend", assertionClaims("acme-backend", "agent1").build());

        assertRefused(basic("acme-backend"), assertion, "grant.agent_not_in_org", "not an agent of organisation acme");
    }

    @Test
    void anAssertionForAnUnknownAgentIsRefused() {
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", unique("nobody")).build());

        assertRefused(basicDemo(), assertion, "grant.agent_not_in_org", "sub");
    }

    @Test
    void anAssertionForADisabledAgentIsRefused() {
        Agent agent = newAgent("demo");
        agents.update(agent.id(), new AgentDirectory.AgentChange(null, null, null, false));
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build());

        assertRefused(basicDemo(), assertion, "agent.disabled", "disabled");
    }

    @Test
    void anAssertionThatLivesTooLongIsRefused() {
        Agent agent = newAgent("demo");
        Instant now = Instant.now();
        JWTClaimsSet claims = assertionClaims("demo-backend", agent.username())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(Duration.ofHours(1)))).build();

        assertRefused(basicDemo(), hs256Assertion("demo-backend", claims), "assertion.invalid", "too long");
    }

    @Test
    void anAssertionSignedWithAnUnregisteredRsaKeyIsRefused() throws Exception {
        RSAKey registered = new RSAKeyGenerator(2048).keyID("k1").generate();
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("k1").generate();
        OAuthClient client = newClient("demo", Duration.ofMinutes(15), new JWKSet(registered.toPublicJWK()).toString(),
                Set.of("client_secret_basic"));
        Agent agent = newAgent("demo");
        SignedJWT assertion = sign(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("k1").build(),
                assertionClaims(client.clientId(), agent.username()).build(), attacker);

        assertRefused(basic(client.clientId()), assertion, "assertion.bad_signature", "signature");
    }

    @Test
    void aClientThatMayNotUseTheGrantIsRefused() {
        SignedJWT assertion = hs256Assertion("demo-admin", assertionClaims("demo-admin", "agent1").build());

        Exchange refused = token(basic("demo-admin"), new JWTBearerGrant(assertion), null);

        assertThat(refused.error()).isEqualTo("unauthorized_client");
    }

    @Test
    void theGrantNeedsAnAuthenticatedClient() {
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", "agent1").build());

        Reply reply = http.form("/oauth2/token", null, null, Map.of("grant_type", OAuthClient.GRANT_JWT_BEARER,
                "assertion", assertion.serialize()));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("error").asString()).isEqualTo("invalid_client");
    }

    // --- invalid_scope --------------------------------------------------------------------------------------------

    @Test
    void aScopeTheClientMayNotHaveIsRefusedAndNamed() {
        Agent agent = newAgent("demo");
        Exchange refused = token(basicDemo(),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build())),
                new Scope("messaging:read", "admin"));

        assertThat(refused.error()).isEqualTo("invalid_scope");
        assertThat(refused.errorDescription()).contains("admin").contains("demo-backend");
        assertThat(refused.http().getBody()).contains("\"code\":\"scope.not_allowed\"");
    }

    @Test
    void aNearMissScopeIsRefusedWithTheRightOneSuggested() {
        Agent agent = newAgent("demo");
        Exchange refused = token(basicDemo(),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build())),
                new Scope("messages:read"));

        assertThat(refused.error()).isEqualTo("invalid_scope");
        assertThat(refused.errorDescription()).contains("messages:read").contains("did you mean 'messaging:read'");
    }

    private static com.nimbusds.oauth2.sdk.auth.ClientSecretBasic basicDemo() {
        return basic("demo-backend");
    }

    /**
     * RFC 6749 {@code invalid_grant} (status 400, a printable-ASCII {@code error_description} naming the reason) and,
     * next to it, the catalogue's {@code code}, {@code message} and {@code hint}.
     */
    private static void assertRefused(com.nimbusds.oauth2.sdk.auth.ClientAuthentication client, SignedJWT assertion,
                                      String code, String reason) {
        Exchange refused = token(client, new JWTBearerGrant(assertion), MESSAGING);
        assertThat(refused.http().getStatusCode()).isEqualTo(400);
        assertThat(refused.error()).isEqualTo("invalid_grant");
        assertThat(refused.errorDescription()).as("error_description names the reason").containsIgnoringCase(reason)
                .matches("[\\x20-\\x21\\x23-\\x5B\\x5D-\\x7E]+");
        assertThat(refused.code()).as(refused.http().getBody()).isEqualTo(code);
        assertThat(refused.field("message")).isNotBlank();
        assertThat(refused.errorDescription()).startsWith(refused.field("message").substring(0, 20));
        assertThat(refused.field("hint")).isNotBlank();
    }

    private static SignedJWT sign(JWSHeader header, JWTClaimsSet claims, RSAKey key) throws JOSEException {
        SignedJWT jwt = new SignedJWT(header, claims);
        jwt.sign(new RSASSASigner(key));
        return jwt;
    }
}
