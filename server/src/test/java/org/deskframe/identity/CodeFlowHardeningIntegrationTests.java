package org.deskframe.identity;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationErrorResponse;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.RefreshTokenGrant;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import java.net.URI;
import java.sql.Timestamp;
import java.time.Duration;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The RFC 9700 matrix for the authorization code flow: PKCE, exact redirect URIs, and codes that are used once. */
class CodeFlowHardeningIntegrationTests extends AuthorizationServerTest {

    @Autowired
    JdbcClient jdbc;

    // --- PKCE -----------------------------------------------------------------------------------------------------

    @Test
    void whenTheCodeChallengeIsMissingThenNoCodeIsIssuedSoNoVerifierCanEverMeetAnUnprotectedCode() {
        // The PKCE downgrade (RFC 9700 4.8.2) needs a code issued without a challenge; there is none to redeem.
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, null).build();

        AuthorizationErrorResponse error = errorAtRedirectUri(request, agent);

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(error.getErrorObject().getDescription()).contains("code_challenge");
        assertThat(error.getState()).isEqualTo(request.getState());
    }

    @Test
    void whenThePlainCodeChallengeMethodIsAskedForThenNoCodeIsIssued() {
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, null)
                .codeChallenge(new CodeVerifier(), CodeChallengeMethod.PLAIN).build();

        AuthorizationErrorResponse error = errorAtRedirectUri(request, agent);

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_request");
        assertThat(error.getErrorObject().getDescription()).contains("code_challenge_method");
    }

    @Test
    void whenTheCodeVerifierDoesNotMatchTheChallengeThenTheCodeIsRefused() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        Exchange refused = token(basic("demo-backend"),
                new AuthorizationCodeGrant(flow.code(), URI.create(DESKTOP_CALLBACK), new CodeVerifier()), null);

        assertThat(refused.error()).isEqualTo("invalid_grant");
    }

    @Test
    void whenTheCodeVerifierIsLeftOutThenTheCodeIsRefused() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        Exchange refused = token(basic("demo-backend"), new AuthorizationCodeGrant(flow.code(), URI.create(DESKTOP_CALLBACK)), null);

        assertThat(refused.error()).isIn("invalid_grant", "invalid_request");
    }

    @ParameterizedTest
    @ValueSource(strings = {"abcde", "0123456789012345678901234567890123456789-.", "plus+sign-0123456789012345678901234567890123"})
    void whenTheCodeVerifierIsNotOfRfc7636sFormThenTheCodeIsRefusedWithPkceInvalid(String verifier) {
        // The challenge is a well-formed S256 of the verifier: only the verifier's own form is wrong.
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, null)
                .codeChallenge(challengeOf(verifier), CodeChallengeMethod.S256).build();
        CodeFlow flow = new CodeFlow(request, null,
                new AgentBrowser(BASE).authorize(request.toURI(), agent.username(), password(agent.username())));

        Reply refused = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), java.util.Map.of(
                "grant_type", "authorization_code", "code", flow.code().getValue(), "redirect_uri", DESKTOP_CALLBACK,
                "code_verifier", verifier));

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.json().get("error").asString()).isEqualTo("invalid_grant");
        assertThat(refused.json().get("code").asString()).isEqualTo("pkce.invalid");
        assertThat(refused.json().get("parameter").asString()).isEqualTo("code_verifier");
        String reason = refused.json().get("reason").asString();
        if (verifier.length() < 43) {
            assertThat(reason).isEqualTo("it is " + verifier.length() + " characters long; RFC 7636 requires 43 to 128");
        } else {
            assertThat(reason).contains("'" + verifier.replaceAll("[A-Za-z0-9._~-]", "").charAt(0) + "'")
                    .contains("not one of A-Z a-z 0-9 - . _ ~");
        }
        assertThat(refused.json().get("error_description").asString()).startsWith("The PKCE code_verifier is refused: it")
                .contains("RFC 7636");
    }

    @Test
    void whenTheCodeVerifierIsLongerThan128CharactersThenItIsRefusedWithPkceInvalid() {
        String verifier = "a".repeat(129);
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, null)
                .codeChallenge(challengeOf(verifier), CodeChallengeMethod.S256).build();
        CodeFlow flow = new CodeFlow(request, null,
                new AgentBrowser(BASE).authorize(request.toURI(), agent.username(), password(agent.username())));

        Reply refused = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), java.util.Map.of(
                "grant_type", "authorization_code", "code", flow.code().getValue(), "redirect_uri", DESKTOP_CALLBACK,
                "code_verifier", verifier));

        assertThat(refused.json().get("code").asString()).isEqualTo("pkce.invalid");
        assertThat(refused.json().get("reason").asString()).isEqualTo("it is 129 characters long; RFC 7636 requires 43 to 128");
    }

    @Test
    void aWellFormedVerifierOfTheShortestAndLongestLengthsIsAccepted() {
        for (String verifier : java.util.List.of("A".repeat(43), "a-._~".repeat(25) + "xyz")) {
            Agent agent = newAgent("demo");
            AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, null)
                    .codeChallenge(challengeOf(verifier), CodeChallengeMethod.S256).build();
            CodeFlow flow = new CodeFlow(request, null,
                    new AgentBrowser(BASE).authorize(request.toURI(), agent.username(), password(agent.username())));

            Reply tokens = http.form("/oauth2/token", "demo-backend", demoSecret("demo-backend"), java.util.Map.of(
                    "grant_type", "authorization_code", "code", flow.code().getValue(), "redirect_uri", DESKTOP_CALLBACK,
                    "code_verifier", verifier));

            assertThat(tokens.status()).as(verifier.length() + ": " + tokens.body()).isEqualTo(200);
            assertThat(tokens.json().get("access_token").asString()).isNotBlank();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"abc", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM-extra", "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw+cM"})
    void whenAnS256CodeChallengeIsNotOfItsFormThenNoCodeIsIssuedAndTheDescriptionSaysWhy(String challenge) {
        Agent agent = newAgent("demo");
        AuthorizationRequest valid = authorizationRequest("demo-backend", DESKTOP_CALLBACK, new CodeVerifier()).build();
        URI mutated = URI.create(valid.toURI().toString().replaceAll("code_challenge=[^&]*",
                "code_challenge=" + java.net.URLEncoder.encode(challenge, java.nio.charset.StandardCharsets.UTF_8)));

        AgentBrowser.Page landing = new AgentBrowser(BASE).authorize(mutated, agent.username(), password(agent.username()));
        CodeFlow flow = new CodeFlow(valid, null, landing);

        assertThat(landing.location().toString()).startsWith(DESKTOP_CALLBACK + "?");
        assertThat(flow.response().indicatesSuccess()).as("no code: " + landing.location()).isFalse();
        var error = flow.response().toErrorResponse().getErrorObject();
        assertThat(error.getCode()).isEqualTo("invalid_request");
        assertThat(error.getDescription()).startsWith("pkce.invalid: The PKCE code_challenge is refused: it")
                .contains(challenge.length() != 43 ? "is " + challenge.length() + " characters long" : "'+' at position 41");
    }

    // --- Scopes ---------------------------------------------------------------------------------------------------

    @Test
    void whenTheAuthorizationRequestAsksForANearMissScopeThenTheRightOneIsSuggested() {
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, new CodeVerifier())
                .scope(new com.nimbusds.oauth2.sdk.Scope("messages:read")).build();

        AuthorizationErrorResponse error = errorAtRedirectUri(request, agent);

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_scope");
        assertThat(error.getErrorObject().getDescription()).contains("messages:read").contains("did you mean 'messaging:read'");
    }

    @Test
    void whenTheAuthorizationRequestAsksForAScopeTheClientMayNotHaveThenItIsNamed() {
        Agent agent = newAgent("demo");
        AuthorizationRequest request = authorizationRequest("demo-backend", DESKTOP_CALLBACK, new CodeVerifier())
                .scope(new com.nimbusds.oauth2.sdk.Scope("messaging:read", "admin")).build();

        AuthorizationErrorResponse error = errorAtRedirectUri(request, agent);

        assertThat(error.getErrorObject().getCode()).isEqualTo("invalid_scope");
        assertThat(error.getErrorObject().getDescription()).contains("admin").contains("demo-backend");
    }

    // --- Redirect URIs --------------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {
            "http://localhost:8081/oauth/callback/extra",
            "http://localhost:8081/oauth/callback/",
            "http://localhost:8081/oauth/callback?next=/admin",
            "http://localhost:8081/oauth/callback#fragment",
            "http://localhost:8082/oauth/callback",
            "http://localhost/oauth/callback",
            "http://127.0.0.1:8081/oauth/callback",
            "http://attacker.example/oauth/callback",
            "http://localhost:8081.attacker.example/oauth/callback",
            "https://localhost:8081/oauth/callback",
            "http://LOCALHOST:8081/oauth/callback",
            "http://localhost:8081/OAuth/Callback",
            "http://localhost:8081/oauth/%63allback"
    })
    void whenTheRedirectUriIsNotExactlyARegisteredOneThenTheServerRefusesWithoutRedirecting(String mutated) {
        Agent agent = newAgent("demo");
        CodeVerifier verifier = new CodeVerifier();
        URI request = URI.create(authorizationRequest("demo-backend", DESKTOP_CALLBACK, verifier).build().toURI().toString()
                .replace("redirect_uri=" + java.net.URLEncoder.encode(DESKTOP_CALLBACK, java.nio.charset.StandardCharsets.UTF_8),
                        "redirect_uri=" + java.net.URLEncoder.encode(mutated, java.nio.charset.StandardCharsets.UTF_8)));
        assertThat(request.toString()).contains("redirect_uri=");

        AgentBrowser.Page page = new AgentBrowser(BASE).authorize(request, agent.username(), password(agent.username()));

        assertThat(page.status()).as("refused in place, never redirected: " + page.location()).isEqualTo(400);
        assertThat(page.location()).isNull();
    }

    @Test
    void whenTheTokenRequestNamesAnotherRegisteredRedirectUriThenTheCodeIsRefused() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        Exchange refused = token(basic("demo-backend"),
                new AuthorizationCodeGrant(flow.code(), URI.create(BASE + "/demo/callback"), flow.verifier()), null);

        assertThat(refused.error()).isEqualTo("invalid_grant");
    }

    // --- Codes ----------------------------------------------------------------------------------------------------

    @Test
    void aCodeCanBeRedeemedOnlyOnce() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));
        assertThat(token(basic("demo-backend"), flow.grant(), null).ok()).isTrue();

        Exchange second = token(basic("demo-backend"), flow.grant(), null);

        assertThat(second.error()).isEqualTo("invalid_grant");
    }

    @Test
    void whenACodeIsRedeemedAgainThenTheTokensItIssuedAreRevoked() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));
        Exchange first = token(basic("demo-backend"), flow.grant(), null);
        String accessToken = first.accessToken().getValue();
        assertThat(http.get("/api/v2/tokens/me", accessToken).status()).isEqualTo(200);

        assertThat(token(basic("demo-backend"), flow.grant(), null).error()).isEqualTo("invalid_grant");

        Reply me = http.get("/api/v2/tokens/me", accessToken);
        assertThat(me.status()).isEqualTo(401);
        assertThat(me.json().get("code").asString()).isEqualTo("token.revoked");
        assertThat(me.header("WWW-Authenticate")).contains("error=\"invalid_token\"");
        assertThat(token(basic("demo-backend"), new RefreshTokenGrant(first.refreshToken()), null).error())
                .isEqualTo("invalid_grant");
    }

    @Test
    void aCodeIsBoundToTheClientItWasIssuedTo() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        assertThat(token(basic("demo-noembed"), flow.grant(), null).error()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeFromAnotherOrganisationsClientIsRefused() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        assertThat(token(basic("acme-backend"), flow.grant(), null).error()).isEqualTo("invalid_grant");
    }

    @Test
    void whenAnotherClientPresentsACodeThenTheCodeIsBurnedForItsOwnClientToo() {
        // A code in the wrong hands has leaked: Spring invalidates it rather than let the race decide.
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));
        assertThat(token(basic("demo-noembed"), flow.grant(), null).error()).isEqualTo("invalid_grant");

        assertThat(token(basic("demo-backend"), flow.grant(), null).error()).isEqualTo("invalid_grant");
    }

    @Test
    void aCodeLivesAtMostOneMinute() {
        Agent agent = newAgent("demo");
        CodeFlow flow = codeFlow("demo-backend", agent.username(), password(agent.username()));

        record Lifetime(Timestamp issued, Timestamp expires) {}
        Lifetime lifetime = jdbc.sql("select authorization_code_issued_at, authorization_code_expires_at from oauth2_authorization "
                        + "where authorization_code_value = ?").param(flow.code().getValue())
                .query((rs, n) -> new Lifetime(rs.getTimestamp(1), rs.getTimestamp(2))).single();

        assertThat(Duration.between(lifetime.issued().toInstant(), lifetime.expires().toInstant())).isLessThanOrEqualTo(Duration.ofMinutes(1));

        // Redeemed once that minute has passed (the row aged by 61 s: the check at redemption is the server's), it is refused.
        assertThat(jdbc.sql("update oauth2_authorization set authorization_code_issued_at = ?, authorization_code_expires_at = ?"
                        + " where authorization_code_value = ?")
                .params(Timestamp.from(lifetime.issued().toInstant().minusSeconds(61)),
                        Timestamp.from(lifetime.expires().toInstant().minusSeconds(61)), flow.code().getValue())
                .update()).isEqualTo(1);
        Exchange late = token(basic("demo-backend"), flow.grant(), null);
        assertThat(late.ok()).isFalse();
        assertThat(late.error()).isEqualTo("invalid_grant");
    }

    /** The S256 challenge of any verifier, well-formed or not (Nimbus's CodeVerifier refuses malformed ones). */
    private static com.nimbusds.oauth2.sdk.pkce.CodeChallenge challengeOf(String verifier) {
        try {
            return com.nimbusds.oauth2.sdk.pkce.CodeChallenge.parse(s256(verifier));
        } catch (com.nimbusds.oauth2.sdk.ParseException e) {
            throw new IllegalStateException(e);
        }
    }

    /** BASE64URL(SHA-256(verifier)) without padding, as RFC 7636 4.2 computes an S256 challenge. */
    private static String s256(String verifier) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private AuthorizationErrorResponse errorAtRedirectUri(AuthorizationRequest request, Agent agent) {
        AgentBrowser.Page landing = new AgentBrowser(BASE).authorize(request.toURI(), agent.username(), password(agent.username()));
        assertThat(landing.location()).as("status %s body %s", landing.status(), landing.body()).isNotNull();
        assertThat(landing.location().toString()).startsWith(DESKTOP_CALLBACK + "?");
        CodeFlow flow = new CodeFlow(request, null, landing);
        assertThat(flow.response().indicatesSuccess()).as("no code may be issued: " + landing.location()).isFalse();
        return flow.response().toErrorResponse();
    }
}
