package org.deskframe.identity;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.oauth2.sdk.AuthorizationCode;
import com.nimbusds.oauth2.sdk.AuthorizationCodeGrant;
import com.nimbusds.oauth2.sdk.AuthorizationGrant;
import com.nimbusds.oauth2.sdk.AuthorizationRequest;
import com.nimbusds.oauth2.sdk.AuthorizationResponse;
import com.nimbusds.oauth2.sdk.ParseException;
import com.nimbusds.oauth2.sdk.ResponseType;
import com.nimbusds.oauth2.sdk.Scope;
import com.nimbusds.oauth2.sdk.TokenRequest;
import com.nimbusds.oauth2.sdk.TokenResponse;
import com.nimbusds.oauth2.sdk.as.AuthorizationServerMetadata;
import com.nimbusds.oauth2.sdk.auth.ClientAuthentication;
import com.nimbusds.oauth2.sdk.auth.ClientSecretBasic;
import com.nimbusds.oauth2.sdk.auth.Secret;
import com.nimbusds.oauth2.sdk.http.HTTPResponse;
import com.nimbusds.oauth2.sdk.id.ClientID;
import com.nimbusds.oauth2.sdk.id.Issuer;
import com.nimbusds.oauth2.sdk.id.State;
import com.nimbusds.oauth2.sdk.pkce.CodeChallengeMethod;
import com.nimbusds.oauth2.sdk.pkce.CodeVerifier;
import com.nimbusds.oauth2.sdk.token.AccessToken;
import com.nimbusds.oauth2.sdk.token.RefreshToken;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Set;
import java.util.UUID;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * What the authorization-server tests share: the server's metadata as Nimbus discovers it, token requests sent and
 * parsed by Nimbus unchanged, a browser for the agent's side of the code flow, and throwaway agents and clients (so a
 * test that locks, disables or revokes something never touches the demo identities other tests use).
 */
abstract class AuthorizationServerTest extends DeskframeServerTest {

    /** What the demo backends allow (DemoSeed): the widgets' scopes, the agent directory and routing's audit. */
    static final Set<String> WIDGET_SCOPES = Set.of("messaging:read", "messaging:write", "voice", "video", "presence",
            "agents:read", "routing:read", "supervisor:read");
    static final Set<String> ALL_GRANTS = Set.of(OAuthClient.GRANT_JWT_BEARER, "client_credentials", "authorization_code",
            "refresh_token");
    static final String DESKTOP_CALLBACK = "http://localhost:8081/oauth/callback";

    private static volatile AuthorizationServerMetadata metadata;

    @Autowired
    AgentDirectory agents;

    @Autowired
    ClientDirectory clients;

    @Autowired
    org.springframework.jdbc.core.simple.JdbcClient jdbc;

    /** The server's RFC 8414 metadata, discovered once from the issuer. */
    static AuthorizationServerMetadata metadata() {
        if (metadata == null) {
            try {
                metadata = AuthorizationServerMetadata.resolve(new Issuer(BASE));
            } catch (Exception e) {
                throw new IllegalStateException("discovery failed", e);
            }
        }
        return metadata;
    }

    static URI tokenEndpoint() {
        return metadata().getTokenEndpointURI();
    }

    static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 13);
    }

    static String demoSecret(String clientId) {
        return clientId + TestClient.DEMO_SECRET_SUFFIX;
    }

    static ClientSecretBasic basic(String clientId) {
        return basic(clientId, demoSecret(clientId));
    }

    static ClientSecretBasic basic(String clientId, String secret) {
        return new ClientSecretBasic(new ClientID(clientId), new Secret(secret));
    }

    /** A throwaway agent of {@code org}, enabled, whose password is {@code <username>-pass-0123} (id differs from username). */
    Agent newAgent(String org) {
        String username = unique("agent");
        return agents.create(new AgentDirectory.NewAgent(unique("id"), org, username, username + "@" + org + ".example",
                "Test " + username, password(username), Set.of("agent"), true));
    }

    static String password(String username) {
        return username + "-pass-0123";
    }

    /** A throwaway client of {@code org} registered like demo-backend (secret {@code <id>-secret-0123456789abcdef}). */
    OAuthClient newClient(String org) {
        return newClient(org, Duration.ofMinutes(15), null, Set.of("client_secret_basic", "client_secret_post"));
    }

    OAuthClient newClient(String org, Duration accessTokenTtl, String jwks, Set<String> authMethods) {
        String id = unique("client");
        return clients.register(new ClientDirectory.ClientRegistration(id, org, "Test " + id, demoSecret(id), true,
                authMethods, ALL_GRANTS, Set.of(DESKTOP_CALLBACK, BASE + "/demo/callback"), WIDGET_SCOPES,
                Set.of("http://localhost:8081"), Set.of(OAuthClient.CAPABILITY_EMBED), jwks, accessTokenTtl,
                Duration.ofHours(8), true));
    }

    /** A token request sent by Nimbus, with the raw HTTP response kept for header checks. */
    record Exchange(HTTPResponse http, TokenResponse response) {
        boolean ok() {
            return response.indicatesSuccess();
        }

        AccessToken accessToken() {
            if (!ok()) throw new AssertionError("token request failed: " + http.getStatusCode() + " " + http.getBody());
            return response.toSuccessResponse().getTokens().getAccessToken();
        }

        RefreshToken refreshToken() {
            return response.toSuccessResponse().getTokens().getRefreshToken();
        }

        String error() {
            if (ok()) throw new AssertionError("expected an error, got tokens: " + http.getBody());
            return response.toErrorResponse().getErrorObject().getCode();
        }

        String errorDescription() {
            return response.toErrorResponse().getErrorObject().getDescription();
        }

        /** The catalogue code next to the OAuth error ({@code assertion.invalid}...), or null when the body has none. */
        String code() {
            return field("code");
        }

        /** A top-level text field of the JSON error body ({@code message}, {@code hint}...), or null. */
        String field(String name) {
            tools.jackson.databind.JsonNode node = EXCHANGE_JSON.readTree(http.getBody()).get(name);
            return node == null || node.isNull() ? null : node.asString();
        }
    }

    private static final tools.jackson.databind.json.JsonMapper EXCHANGE_JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    static Exchange token(ClientAuthentication client, AuthorizationGrant grant, Scope scope) {
        TokenRequest request = new TokenRequest(tokenEndpoint(), client, grant, scope);
        try {
            HTTPResponse http = request.toHTTPRequest().send();
            return new Exchange(http, TokenResponse.parse(http));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (ParseException e) {
            throw new IllegalStateException("unparseable token response", e);
        }
    }

    /** An RFC 7523 assertion signed with HS256 and the client's secret. */
    static SignedJWT hs256Assertion(String clientId, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            JWSSigner signer = new MACSigner(demoSecret(clientId).getBytes(StandardCharsets.UTF_8));
            jwt.sign(signer);
            return jwt;
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Claims of a valid assertion: iss = client, sub = agent username, aud = token endpoint, 2 minutes, fresh jti. */
    static JWTClaimsSet.Builder assertionClaims(String clientId, String username) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(clientId).subject(username).audience(tokenEndpoint().toString())
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120))).jwtID(UUID.randomUUID().toString());
    }

    /** The pieces of one code-flow attempt: what the client sent, and what came back to its redirect URI. */
    record CodeFlow(AuthorizationRequest request, CodeVerifier verifier, AgentBrowser.Page landing) {
        AuthorizationResponse response() {
            try {
                return AuthorizationResponse.parse(landing.location());
            } catch (ParseException e) {
                throw new AssertionError("not an authorization response: " + landing.location(), e);
            }
        }

        AuthorizationCode code() {
            AuthorizationResponse r = response();
            if (!r.indicatesSuccess()) {
                throw new AssertionError("authorization failed: " + r.toErrorResponse().getErrorObject());
            }
            return r.toSuccessResponse().getAuthorizationCode();
        }

        AuthorizationCodeGrant grant() {
            return new AuthorizationCodeGrant(code(), request.getRedirectionURI(), verifier);
        }
    }

    /** A standard authorization request (code, S256 PKCE, state) built by Nimbus. */
    static AuthorizationRequest.Builder authorizationRequest(String clientId, String redirectUri, CodeVerifier verifier) {
        AuthorizationRequest.Builder b = new AuthorizationRequest.Builder(new ResponseType(ResponseType.Value.CODE), new ClientID(clientId))
                .endpointURI(metadata().getAuthorizationEndpointURI())
                .redirectionURI(URI.create(redirectUri))
                .scope(new Scope("messaging:read", "messaging:write"))
                .state(new State());
        if (verifier != null) b.codeChallenge(verifier, CodeChallengeMethod.S256);
        return b;
    }

    /** Runs the code flow like a browser for {@code username}, up to the code arriving at the redirect URI. */
    CodeFlow codeFlow(String clientId, String username, String password) {
        CodeVerifier verifier = new CodeVerifier();
        AuthorizationRequest request = authorizationRequest(clientId, DESKTOP_CALLBACK, verifier).build();
        AgentBrowser.Page landing = new AgentBrowser(BASE).authorize(request.toURI(), username, password);
        return new CodeFlow(request, verifier, landing);
    }

    /** Code flow, then the token request with the code verifier: the agent's access and refresh tokens. */
    Exchange codeFlowTokens(String clientId, String username, String password) {
        CodeFlow flow = codeFlow(clientId, username, password);
        return token(basic(clientId), flow.grant(), null);
    }
}
