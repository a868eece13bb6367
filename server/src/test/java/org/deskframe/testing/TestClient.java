package org.deskframe.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Plain HTTP against the test server, plus the token requests an integrator's backend would make. */
public class TestClient {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    public static final String DEMO_SECRET_SUFFIX = "-secret-0123456789abcdef";

    private final String base;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public TestClient(String base) {
        this.base = base;
    }

    public String base() {
        return base;
    }

    public record Reply(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    public Reply get(String path, String bearer, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        if (headers.length > 0) b.headers(headers);
        return send(b.build());
    }

    public Reply send(String method, String path, String bearer, String jsonBody) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, jsonBody == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(jsonBody))
                .header("Content-Type", "application/json");
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    /** A form POST to the token endpoint (or any form endpoint), with HTTP Basic client authentication when given. */
    public Reply form(String path, String clientId, String secret, Map<String, String> params) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .POST(HttpRequest.BodyPublishers.ofString(encode(params)))
                .header("Content-Type", "application/x-www-form-urlencoded");
        if (clientId != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (clientId + ":" + secret).getBytes(StandardCharsets.UTF_8)));
        }
        return send(b.build());
    }

    public Reply send(HttpRequest request) {
        try {
            HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** client_credentials with a demo client's demo secret. */
    public String clientToken(String clientId, String scope) {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "client_credentials");
        if (scope != null) p.put("scope", scope);
        Reply r = form("/oauth2/token", clientId, clientId + DEMO_SECRET_SUFFIX, p);
        if (r.status() != 200) throw new IllegalStateException("token request failed: " + r.status() + " " + r.body());
        return r.json().get("access_token").asString();
    }

    /** The trusted-backend grant for an agent, with an HS256 assertion signed with the demo client's secret. */
    public Reply agentTokenReply(String clientId, String username, String scope) {
        String assertion = hs256Assertion(clientId, clientId + DEMO_SECRET_SUFFIX, username, base + "/oauth2/token",
                Instant.now(), Duration.ofMinutes(2), UUID.randomUUID().toString());
        Map<String, String> p = new LinkedHashMap<>();
        p.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        p.put("assertion", assertion);
        if (scope != null) p.put("scope", scope);
        return form("/oauth2/token", clientId, clientId + DEMO_SECRET_SUFFIX, p);
    }

    public String agentToken(String clientId, String username, String scope) {
        Reply r = agentTokenReply(clientId, username, scope);
        if (r.status() != 200) throw new IllegalStateException("token request failed: " + r.status() + " " + r.body());
        return r.json().get("access_token").asString();
    }

    public static String hs256Assertion(String clientId, String secret, String subject, String audience, Instant issuedAt,
                                        Duration lifetime, String jti) {
        try {
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(clientId).subject(subject).audience(audience)
                    .issueTime(Date.from(issuedAt)).expirationTime(Date.from(issuedAt.plus(lifetime))).jwtID(jti).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            JWSSigner signer = new MACSigner(secret.getBytes(StandardCharsets.UTF_8));
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String encode(Map<String, String> params) {
        return params.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
    }

    /** Fails the test with the reply's body unless the reply has {@code status}. */
    public static void expect(Reply reply, int status) {
        org.assertj.core.api.Assertions.assertThat(reply.status()).as(reply.body()).isEqualTo(status);
    }

    /** A JSON object of alternating keys and values, in that order. */
    public static String json(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < keyValues.length; i += 2) m.put((String) keyValues[i], keyValues[i + 1]);
        return JSON.writeValueAsString(m);
    }
}
