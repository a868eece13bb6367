package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationSuccessResponse;
import java.time.Instant;
import java.util.Base64;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;

class AuthorizationCodeFlowIntegrationTests extends AuthorizationServerTest {

    @Test
    void anAgentSignsInInTheBrowserAndTheBackendRedeemsTheCodeWithItsVerifier() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        assertThat(flow.landing().location().toString()).startsWith(DESKTOP_CALLBACK + "?");
        AuthorizationSuccessResponse response = flow.response().toSuccessResponse();
        assertThat(response.getState()).isEqualTo(flow.request().getState());
        assertThat(response.getAuthorizationCode().getValue()).hasSizeGreaterThanOrEqualTo(22);

        Exchange tokens = token(basic("demo-backend"), flow.grant(), null);

        assertThat(tokens.ok()).as(tokens.http().getBody()).isTrue();
        assertThat(tokens.accessToken().getType().getValue()).isEqualToIgnoringCase("Bearer");
        assertThat(tokens.accessToken().getScope().toStringList()).containsExactlyInAnyOrder("messaging:read", "messaging:write");
        assertThat(tokens.refreshToken()).isNotNull();
        assertThat(tokens.http().getHeaderValue("Cache-Control")).contains("no-store");
    }

    @Test
    void theAccessTokenIsAnRfc9068JwtForTheAgentSignedByAPublishedKey() throws Exception {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));
        SignedJWT jwt = SignedJWT.parse(tokens.accessToken().getValue());

        assertThat(jwt.getHeader().getType()).isEqualTo(new JOSEObjectType("at+jwt"));
        assertThat(jwt.getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.RS256);
        RSAKey key = (RSAKey) JWKSet.load(metadata().getJWKSetURI().toURL()).getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(key).as("kid names a published key").isNotNull();
        assertThat(jwt.verify(new RSASSAVerifier(key))).isTrue();

        JWTClaimsSet claims = jwt.getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo(BASE);
        assertThat(claims.getAudience()).containsExactly(BASE + "/api");
        assertThat(claims.getSubject()).isEqualTo(agent.id()).isNotEqualTo(agent.username());
        assertThat(claims.getStringClaim("org")).isEqualTo("demo");
        assertThat(claims.getStringClaim("region")).isEqualTo("local");
        assertThat(claims.getStringClaim("client_id")).isEqualTo("demo-backend");
        assertThat(claims.getClaim("scope")).isInstanceOf(String.class);
        assertThat(claims.getStringClaim("scope")).isEqualTo("messaging:read messaging:write");
        Instant iat = claims.getIssueTime().toInstant();
        assertThat(iat).isBetween(Instant.now().minusSeconds(60), Instant.now().plusSeconds(5));
        assertThat(claims.getExpirationTime().toInstant()).isEqualTo(iat.plusSeconds(15 * 60));
        assertThat(Base64.getUrlDecoder().decode(claims.getJWTID())).hasSizeGreaterThanOrEqualTo(16);
    }

    @Test
    void theAccessTokenFromTheCodeFlowDescribesTheAgentAtTokensMe() {
        Agent agent = newAgent("demo");
        Exchange tokens = codeFlowTokens("demo-backend", agent.username(), password(agent.username()));

        Reply me = http.get("/api/v2/tokens/me", tokens.accessToken().getValue());

        assertThat(me.status()).as(me.body()).isEqualTo(200);
        assertThat(me.json().get("agent").get("id").asString()).isEqualTo(agent.id());
        assertThat(me.json().get("org").get("id").asString()).isEqualTo("demo");
        assertThat(me.json().get("client").get("id").asString()).isEqualTo("demo-backend");
    }

    @Test
    void everyTokenInTheCodeFlowCarriesAtLeast128BitsOfRandomness() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));
        Exchange tokens = token(basic("demo-backend"), flow.grant(), null);
        // Each is base64url of at least 16 random bytes, and no two of several are alike.
        java.util.Set<String> codes = new java.util.HashSet<>();
        java.util.Set<String> refreshTokens = new java.util.HashSet<>();
        codes.add(flow.code().getValue());
        refreshTokens.add(tokens.refreshToken().getValue());
        for (int i = 0; i < 4; i++) {
            CodeFlow another = codeFlow("demo-backend", agent.username(), password(agent.username()));
            codes.add(another.code().getValue());
            refreshTokens.add(token(basic("demo-backend"), another.grant(), null).refreshToken().getValue());
        }
        assertThat(codes).hasSize(5);
        assertThat(refreshTokens).hasSize(5);
        for (String value : union(codes, refreshTokens)) {
            assertThat(value).matches("[A-Za-z0-9_-]+");
            assertThat(java.util.Base64.getUrlDecoder().decode(value)).as(value).hasSizeGreaterThanOrEqualTo(16);
        }
    }

    private static java.util.List<String> union(java.util.Set<String> a, java.util.Set<String> b) {
        java.util.List<String> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void anAuthorizationRequestIsSentToSignInWhateverTheBrowserAccepts() {
        String request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, new com.nimbusds.oauth2.sdk.pkce.CodeVerifier())
                .build().toURI().toString().substring(BASE.length());

        Reply reply = http.get(request, null, "Accept", "*/*");

        assertThat(reply.status()).isEqualTo(302);
        assertThat(reply.header("Location")).endsWith("/login");
    }

    @Test
    void theLoginPageMayNotBeFramed() {
        AgentBrowser.Page login = new AgentBrowser(BASE).get(java.net.URI.create(BASE + "/login"));
        assertThat(login.status()).isEqualTo(200);
        assertThat(login.header("Content-Security-Policy")).contains("frame-ancestors 'none'");
    }
}
