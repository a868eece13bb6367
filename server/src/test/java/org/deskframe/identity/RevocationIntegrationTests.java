package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.JWTBearerGrant;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.TokenIntrospectionRequest;
import com.nimbusds.oauth2.sdk.TokenIntrospectionResponse;
import com.nimbusds.oauth2.sdk.TokenIntrospectionSuccessResponse;
import com.nimbusds.oauth2.sdk.TokenRevocationRequest;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.token.BearerAccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import com.nimbusds.oauth2.sdk.token.Token;
import java.util.List;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

/** RFC 7009 revocation takes effect at once for every check Deskframe makes; RFC 7662 introspection agrees. */
class RevocationIntegrationTests extends AuthorizationServerTest {

    @Test
    void aRevokedAccessTokenIsRefusedAtOnce() throws Exception {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        String accessToken = tokens.accessToken().getValue();
        assertThat(http.get("/api/v2/tokens/me", accessToken).status()).isEqualTo(200);

        assertThat(revoke(basic("demo-backend"), tokens.accessToken()).getStatusCode()).isEqualTo(200);

        assertRevoked(accessToken);
    }

    @Test
    void revokingAnAccessTokenLeavesItsRefreshTokenUsable() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        revoke(basic("demo-backend"), tokens.accessToken());

        Exchange refreshed = token(basic("demo-backend"), new RefreshTokenGrant(tokens.refreshToken()), null);
        assertThat(refreshed.ok()).isTrue();
        assertThat(http.get("/api/v2/tokens/me", refreshed.accessToken().getValue()).status()).isEqualTo(200);
    }

    @Test
    void anAccessTokenFromTheJwtBearerGrantCanBeRevoked() {
        Agent agent = newAgent("demo");
        Exchange tokens = token(basic("demo-backend"),
                new JWTBearerGrant(hs256Assertion("demo-backend", assertionClaims("demo-backend", agent.username()).build())), null);

        assertThat(revoke(basic("demo-backend"), tokens.accessToken()).getStatusCode()).isEqualTo(200);

        assertRevoked(tokens.accessToken().getValue());
    }

    @Test
    void aClientCredentialsTokenCanBeRevokedAndIsThenInactive() {
        String token = http.clientToken("demo-backend", "presence");
        assertThat(introspect(basic("demo-backend"), new BearerAccessToken(token)).isActive()).isTrue();

        assertThat(revoke(basic("demo-backend"), new BearerAccessToken(token)).getStatusCode()).isEqualTo(200);

        assertRevoked(token);
        assertThat(introspect(basic("demo-backend"), new BearerAccessToken(token)).isActive()).isFalse();
    }

    @Test
    void aTokenOfAGrantWithoutRefreshTokensIsStoredAsItsLedgerRowAlone() throws Exception {
        String clientToken = http.clientToken("demo-backend", "presence");
        String agentToken = http.agentToken("demo-backend", "agent1", "messaging:read");

        for (String token : List.of(clientToken, agentToken)) {
            assertThat(jdbc.sql("select count(*) from oauth2_authorization where access_token_value = ?").param(token)
                    .query(Long.class).single()).isZero();
            assertThat(jdbc.sql("select count(*) from access_token_ledger where jti = ? and revoked_at is null")
                    .param(SignedJWT.parse(token).getJWTClaimsSet().getJWTID()).query(Long.class).single()).isOne();
        }
    }

    @Test
    void aTokenReSignedWithAnotherKeyUnderTheSameKidAndJtiIsNeitherDescribedNorRevoked() throws Exception {
        String token = http.clientToken("demo-backend", "presence");
        SignedJWT original = SignedJWT.parse(token);
        RSAKey impostor = new RSAKeyGenerator(2048).keyID(original.getHeader().getKeyID()).generate();
        SignedJWT forged = new SignedJWT(original.getHeader(), original.getJWTClaimsSet());
        forged.sign(new RSASSASigner(impostor));
        BearerAccessToken forgedToken = new BearerAccessToken(forged.serialize());

        assertThat(introspect(basic("demo-backend"), forgedToken).isActive()).isFalse();
        assertThat(revoke(basic("demo-backend"), forgedToken).getStatusCode()).isEqualTo(200);

        assertThat(http.get("/api/v2/tokens/me", token).status()).as("the real token is not revoked").isEqualTo(200);
    }

    @Test
    void aClientCannotRevokeAnotherClientsClientCredentialsToken() {
        String token = http.clientToken("demo-backend", "presence");

        HTTPResponse refused = revoke(basic("demo-noembed"), new BearerAccessToken(token));

        assertThat(refused.getStatusCode()).isBetween(400, 401);
        assertThat(http.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
    }

    @Test
    void revokingARefreshTokenRevokesItsWholeFamilyAtOnce() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        Exchange second = token(basic("demo-backend"), new RefreshTokenGrant(first.refreshToken()), null);

        assertThat(revoke(basic("demo-backend"), second.refreshToken()).getStatusCode()).isEqualTo(200);

        assertThat(token(basic("demo-backend"), new RefreshTokenGrant(second.refreshToken()), null).error()).isEqualTo("invalid_grant");
        assertRevoked(first.accessToken().getValue());
        assertRevoked(second.accessToken().getValue());
    }

    @Test
    void aClientCannotRevokeAnotherClientsToken() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        HTTPResponse refused = revoke(basic("demo-noembed"), tokens.accessToken());

        assertThat(refused.getStatusCode()).isBetween(400, 401);
        assertThat(http.get("/api/v2/tokens/me", tokens.accessToken().getValue()).status()).isEqualTo(200);
    }

    @Test
    void revokingAnUnknownTokenIsNotAnError() {
        assertThat(revoke(basic("demo-backend"), new BearerAccessToken()).getStatusCode()).isEqualTo(200);
        assertThat(revoke(basic("demo-backend"), new RefreshToken()).getStatusCode()).isEqualTo(200);
    }

    @Test
    void revocationNeedsClientAuthentication() {
        Reply reply = http.form("/oauth2/revoke", null, null, java.util.Map.of("token", "anything"));

        assertThat(reply.status()).isEqualTo(401);
        assertThat(reply.json().get("error").asString()).isEqualTo("invalid_client");
    }

    // --- introspection --------------------------------------------------------------------------------------------

    @Test
    void introspectionDescribesAnActiveAccessToken() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        TokenIntrospectionSuccessResponse info = introspect(basic("demo-backend"), tokens.accessToken());

        assertThat(info.isActive()).isTrue();
        assertThat(info.getSubject().getValue()).isEqualTo(agent.id());
        assertThat(info.getClientID().getValue()).isEqualTo("demo-backend");
        assertThat(info.getScope().toStringList()).containsExactlyInAnyOrder("messaging:read", "messaging:write");
        assertThat(info.getIssuer().getValue()).isEqualTo(BASE);
        assertThat(info.getExpirationTime()).isInTheFuture();
    }

    @Test
    void introspectionReportsARevokedAccessTokenAsInactive() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        revoke(basic("demo-backend"), tokens.accessToken());

        assertThat(introspect(basic("demo-backend"), tokens.accessToken()).isActive()).isFalse();
    }

    @Test
    void introspectionReportsRefreshTokensActiveUntilRotatedOrRevoked() {
        Agent agent = newAgent("demo");
        Exchange first = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        assertThat(introspect(basic("demo-backend"), first.refreshToken()).isActive()).isTrue();

        Exchange second = token(basic("demo-backend"), new RefreshTokenGrant(first.refreshToken()), null);
        assertThat(introspect(basic("demo-backend"), first.refreshToken()).isActive()).as("rotated away").isFalse();

        revoke(basic("demo-backend"), second.refreshToken());
        assertThat(introspect(basic("demo-backend"), second.refreshToken()).isActive()).as("revoked").isFalse();
        assertThat(introspect(basic("demo-backend"), second.accessToken()).isActive()).as("family revoked").isFalse();
    }

    @Test
    void introspectionReportsAnUnknownTokenAsInactive() {
        assertThat(introspect(basic("demo-backend"), new BearerAccessToken()).isActive()).isFalse();
    }

    // --- introspection stays inside the tenant (RFC 7662 section 4) -------------------------------------------------

    @Test
    void whenAClientOfAnotherOrganisationIntrospectsATokenThenItIsToldOnlyActiveFalse() {
        String demoToken = http.agentToken("demo-backend", "agent1", "messaging:read");
        assertThat(introspect(basic("demo-backend"), new BearerAccessToken(demoToken)).isActive()).as("live token").isTrue();

        Reply reply = http.form("/oauth2/introspect", "acme-backend", demoSecret("acme-backend"), java.util.Map.of("token", demoToken));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().toString()).isEqualTo("{\"active\":false}");
    }

    @Test
    void whenAnotherOrganisationsClientIntrospectsARefreshTokenThenItIsInactiveToo() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        assertThat(introspect(basic("acme-backend"), tokens.refreshToken()).isActive()).isFalse();
        assertThat(introspect(basic("demo-backend"), tokens.refreshToken()).isActive()).isTrue();
    }

    @Test
    void theTokensOwnClientIntrospectsItWithItsClaims() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        TokenIntrospectionSuccessResponse info = introspect(basic("demo-backend"), new BearerAccessToken(token));

        assertThat(info.isActive()).isTrue();
        assertThat(info.getClientID().getValue()).isEqualTo("demo-backend");
        assertThat(info.getScope().toStringList()).containsExactly("messaging:read");
    }

    @Test
    void anotherClientOfTheSameOrganisationIntrospectsTheToken() {
        // The rule: the token's client or any client of its organisation (its resource servers are the org's clients).
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        TokenIntrospectionSuccessResponse info = introspect(basic("demo-noembed"), new BearerAccessToken(token));

        assertThat(info.isActive()).isTrue();
        assertThat(info.getClientID().getValue()).isEqualTo("demo-backend");
    }

    @Test
    void theDeploymentAdminClientBelongsToNoOrganisationSoItIsToldActiveFalse() {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read");

        Reply reply = http.form("/oauth2/introspect", "deskframe-admin", "test-bootstrap-admin-secret-0123456789abcdef",
                java.util.Map.of("token", token));

        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().toString()).isEqualTo("{\"active\":false}");
    }

    @Test
    void aClientCredentialsTokenOfAnotherOrganisationsClientIsInactiveForTheCaller() {
        String acmeToken = http.clientToken("acme-backend", "presence");

        assertThat(introspect(basic("demo-backend"), new BearerAccessToken(acmeToken)).isActive()).isFalse();
        assertThat(introspect(basic("acme-backend"), new BearerAccessToken(acmeToken)).isActive()).isTrue();
    }

    private void assertRevoked(String accessToken) {
        Reply me = http.get("/api/v2/tokens/me", accessToken);
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.json().get("code").asString()).isEqualTo("token.revoked");
        assertThat(me.json().get("hint").asString()).isNotBlank();
        assertThat(me.header("WWW-Authenticate")).startsWith("Bearer").contains("error=\"invalid_token\"");
    }

    private static HTTPResponse revoke(ClientAuthentication client, Token token) {
        try {
            return new TokenRevocationRequest(metadata().getRevocationEndpointURI(), client, token).toHTTPRequest().send();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static TokenIntrospectionSuccessResponse introspect(ClientAuthentication client, Token token) {
        try {
            HTTPResponse http = new TokenIntrospectionRequest(metadata().getIntrospectionEndpointURI(), client, token)
                    .toHTTPRequest().send();
            TokenIntrospectionResponse response = TokenIntrospectionResponse.parse(http);
            if (!response.indicatesSuccess()) throw new AssertionError("introspection failed: " + http.getBody());
            return response.toSuccessResponse();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
