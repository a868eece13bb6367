package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.ClientCredentialsGrant;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

/**
 * Every way a bearer token can be wrong, as {@code GET /api/v2/tokens/me} answers it: the catalogue status and exact
 * code, the RFC 6750 {@code WWW-Authenticate} challenge, and a hint that says how to fix it.
 */
class BearerTokenRefusalIntegrationTests extends AuthorizationServerTest {

    private static final String ME = "/api/v2/tokens/me";

    @Test
    void whenNoTokenIsSentThenTheChallengeCarriesNoErrorCode() {
        Reply reply = http.get(ME, null);

        assertRefused(reply, 401, "token.missing", "Authorization: Bearer");
        assertThat(reply.header("WWW-Authenticate")).isEqualTo("Bearer realm=\"deskframe\"");
    }

    @Test
    void whenTheTokenIsInTheUrlThenItIsRefusedAsInvalidRequest() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        Reply reply = http.get(ME + "?access_token=" + URLEncoder.encode(token, StandardCharsets.UTF_8), null);

        assertRefused(reply, 400, "token.in_url", "header");
        assertThat(reply.header("WWW-Authenticate")).contains("error=\"invalid_request\"");
    }

    @Test
    void whenTheTokenIsInTheUrlThenItIsRefusedEvenWithAValidHeader() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        Reply reply = http.get(ME + "?access_token=" + token, token);

        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().get("code").asString()).isEqualTo("token.in_url");
    }

    @Test
    void whenTheTokenIsNotAJwtThenItIsMalformed() {
        assertInvalidToken(http.get(ME, "not-a-jwt"), 401, "token.malformed", "access_token");
    }

    @Test
    void whenTheHeaderRepeatsTheBearerPrefixThenTheHintSaysSo() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        Reply reply = http.get(ME, "Bearer " + token);

        assertInvalidToken(reply, 401, "token.malformed", "access_token");
        assertThat(reply.json().get("message").asString()).contains("Bearer");
    }

    @Test
    void whenTheAuthorizationSchemeIsNotBearerThenTheTokenIsMalformed() {
        Reply reply = http.get(ME, null, "Authorization", "Basic ZGVtbzpkZW1v");

        assertInvalidToken(reply, 401, "token.malformed", "access_token");
        assertThat(reply.json().get("message").asString()).contains("Bearer scheme");
    }

    @Test
    void whenTheTokenIsUnsignedThenTheSignatureIsRefused() throws Exception {
        JWTClaimsSet claims = SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read")).getJWTClaimsSet();
        String unsigned = new PlainJWT(claims).serialize();

        Reply reply = http.get(ME, unsigned);

        assertInvalidToken(reply, 401, "token.bad_signature", "token endpoint");
        assertThat(reply.json().get("message").asString()).contains("none");
    }

    @Test
    void whenThePayloadIsTamperedWithThenTheSignatureIsRefused() throws Exception {
        SignedJWT genuine = SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"));
        JWTClaimsSet widened = new JWTClaimsSet.Builder(genuine.getJWTClaimsSet())
                .claim("scope", "messaging:read messaging:write voice video presence admin").build();
        Base64URL[] parts = genuine.getParsedParts();
        String tampered = parts[0] + "." + Base64URL.encode(widened.toString()) + "." + parts[2];

        assertInvalidToken(http.get(ME, tampered), 401, "token.bad_signature", "token endpoint");
    }

    @Test
    void whenTheSignatureIsAlteredThenItIsRefused() throws Exception {
        SignedJWT genuine = SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"));
        Base64URL[] parts = genuine.getParsedParts();
        byte[] signature = parts[2].decode();
        signature[signature.length / 2] ^= 0x01;
        String altered = parts[0] + "." + parts[1] + "." + Base64URL.encode(signature);

        assertInvalidToken(http.get(ME, altered), 401, "token.bad_signature", "token endpoint");
    }

    @Test
    void whenTheTokenIsSignedWithHmacOverThePublicKeyThenTheAlgorithmIsRefused() throws Exception {
        // The classic key-confusion attack: HS256 "signed" with the server's public RSA key as the HMAC secret.
        SignedJWT genuine = SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"));
        RSAKey publicKey = (RSAKey) JWKSet.load(metadata().getJWKSetURI().toURL()).getKeyByKeyId(genuine.getHeader().getKeyID());
        SignedJWT forged = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(new JOSEObjectType("at+jwt"))
                .keyID(genuine.getHeader().getKeyID()).build(), genuine.getJWTClaimsSet());
        forged.sign(new MACSigner(publicKey.toRSAPublicKey().getEncoded()));

        Reply reply = http.get(ME, forged.serialize());

        assertInvalidToken(reply, 401, "token.bad_signature", "token endpoint");
        assertThat(reply.json().get("message").asString()).contains("RS256");
    }

    @Test
    void whenTheTokenIsSignedByAnUnknownKeyThenTheSignatureIsRefused() throws Exception {
        SignedJWT genuine = SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"));
        RSAKey attacker = new RSAKeyGenerator(2048).keyID("attacker").generate();

        Reply reply = http.get(ME, rs256(attacker, "at+jwt", genuine.getJWTClaimsSet()));

        assertInvalidToken(reply, 401, "token.bad_signature", "token endpoint");
        assertThat(reply.json().get("message").asString()).contains("attacker");
    }

    @Test
    void whenTheTokenIsNotAnAccessTokenThenItsTypeIsNamed() {
        // A mistake integrators make: sending the assertion (or an ID token) instead of the access token.
        SignedJWT assertion = hs256Assertion("demo-backend", assertionClaims("demo-backend", "agent1").build());

        Reply reply = http.get(ME, assertion.serialize());

        assertInvalidToken(reply, 401, "token.wrong_type", "access_token");
        assertThat(reply.json().get("message").asString()).contains("'(none)'").contains("at+jwt");
    }

    @Test
    void whenAnIdTokenIsSentThenItsTypeIsNamed() throws Exception {
        JWTClaimsSet idToken = new JWTClaimsSet.Builder(SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"))
                .getJWTClaimsSet()).audience("demo-backend").build();
        RSAKey key = new RSAKeyGenerator(2048).keyID("some-key").generate();

        Reply reply = http.get(ME, rs256(key, "JWT", idToken));

        assertInvalidToken(reply, 401, "token.wrong_type", "access_token");
        assertThat(reply.json().get("message").asString()).contains("'JWT'");
    }

    @Test
    void whenTheTokenComesFromAnotherRegionThenBothIssuersAreNamed() throws Exception {
        RSAKey euKey = new RSAKeyGenerator(2048).keyID("eu-1").generate();
        JWTClaimsSet euClaims = new JWTClaimsSet.Builder(SignedJWT.parse(http.agentToken("demo-backend", "agent1", "messaging:read"))
                .getJWTClaimsSet()).issuer("https://eu.deskframe.example").audience("https://eu.deskframe.example/api").build();

        Reply reply = http.get(ME, rs256(euKey, "at+jwt", euClaims));

        assertInvalidToken(reply, 401, "token.wrong_region", "https://eu.deskframe.example");
        assertThat(reply.json().get("message").asString()).contains("https://eu.deskframe.example").contains(BASE);
        assertThat(reply.json().get("hint").asString()).contains(BASE);
    }

    @Test
    void whenTheTokenWasRevokedThenItIsRefusedAsRevoked() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        http.form("/oauth2/revoke", "demo-backend", demoSecret("demo-backend"),
                java.util.Map.of("token", tokens.accessToken().getValue(), "token_type_hint", "access_token"));

        assertInvalidToken(http.get(ME, tokens.accessToken().getValue()), 401, "token.revoked", "new token");
    }

    @Test
    void whenTheAgentHasBeenDisabledThenTheTokenIsRefused() {
        Agent agent = newAgent("demo");
        String token = http.agentToken("demo-backend", agent.username(), "messaging:read");
        assertThat(http.get(ME, token).status()).isEqualTo(200);
        agents.update(agent.id(), new AgentDirectory.AgentChange(null, null, null, false));

        Reply reply = http.get(ME, token);

        assertInvalidToken(reply, 403, "agent.disabled", "enable the agent");
        assertThat(reply.json().get("message").asString()).contains(agent.id());
    }

    @Test
    void whenTheClientHasBeenDisabledThenTheTokenIsRefusedAsUnknownClient() {
        OAuthClient client = newClient("demo");
        String token = token(basic(client.clientId()), new ClientCredentialsGrant(), null).accessToken().getValue();
        assertThat(http.get(ME, token).status()).isEqualTo(200);
        clients.update(client.clientId(), new ClientDirectory.ClientChange(null, null, null, null, null, null, null, null, null, false));

        Reply reply = http.get(ME, token);

        assertInvalidToken(reply, 401, "client.unknown", "enable the client");
        assertThat(reply.json().get("message").asString()).contains(client.clientId());
    }

    @Test
    void theAccessTokenLifetimeIsSetPerClient() throws Exception {
        // Refusing expired and not-yet-valid tokens (with the clock skew) is covered by AccessTokenVerifierTests.
        OAuthClient client = newClient("demo", Duration.ofSeconds(1), null, java.util.Set.of("client_secret_basic"));
        String token = token(basic(client.clientId()), new ClientCredentialsGrant(), null).accessToken().getValue();

        JWTClaimsSet claims = SignedJWT.parse(token).getJWTClaimsSet();

        assertThat(Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant())).isEqualTo(Duration.ofSeconds(1));
    }

    private static void assertRefused(Reply reply, int status, String code, String hintContains) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        assertThat(reply.json().get("code").asString()).isEqualTo(code);
        assertThat(reply.json().get("message").asString()).isNotBlank();
        assertThat(reply.json().get("hint").asString()).containsIgnoringCase(hintContains);
        assertThat(reply.header("WWW-Authenticate")).startsWith("Bearer realm=\"deskframe\"");
        assertThat(reply.header("Cache-Control")).contains("no-store");
    }

    private static void assertInvalidToken(Reply reply, int status, String code, String hintContains) {
        assertRefused(reply, status, code, hintContains);
        assertThat(reply.header("WWW-Authenticate")).contains("error=\"invalid_token\"").contains("error_description=\"" + code + ":");
    }

    private static String rs256(RSAKey key, String typ, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(new JOSEObjectType(typ)).keyID(key.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(key));
        return jwt.serialize();
    }
}
