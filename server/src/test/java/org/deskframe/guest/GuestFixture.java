package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;

/** What the guest tests share: deployments of their own (unique ids and origins), guest-session requests, customer tokens. */
public final class GuestFixture {

    static final String DEPLOYMENTS = "/api/v2/admin/orgs/demo/messenger-deployments";
    private static final AtomicInteger SEQ = new AtomicInteger();

    private final TestClient http;
    private String adminToken;

    public GuestFixture(TestClient http) {
        this.http = http;
    }

    String admin() {
        if (adminToken == null) adminToken = http.clientToken("demo-admin", "admin");
        return adminToken;
    }

    /** A fresh deployment on queue demo-support allowing {@code origin}; extra fields override the defaults. */
    public String deployment(String origin, Object... extra) {
        String id = "dep-" + System.nanoTime() % 1_000_000_000 + "-" + SEQ.incrementAndGet();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", id);
        body.put("name", "Test messenger " + id);
        body.put("allowedOrigins", List.of(origin));
        body.put("queue", "demo-support");
        body.put("greeting", "Hello from " + id);
        for (int i = 0; i + 1 < extra.length; i += 2) body.put((String) extra[i], extra[i + 1]);
        Reply r = http.send("POST", DEPLOYMENTS, admin(), TestClient.JSON.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return id;
    }

    public static String uniqueOrigin() {
        return "https://shop" + SEQ.incrementAndGet() + "-" + System.nanoTime() % 1_000_000 + ".example";
    }

    public Reply session(String origin, Object... fields) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i + 1 < fields.length; i += 2) body.put((String) fields[i], fields[i + 1]);
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http.base() + "/api/v2/guest/sessions"))
                .POST(HttpRequest.BodyPublishers.ofString(TestClient.JSON.writeValueAsString(body)))
                .header("Content-Type", "application/json");
        if (origin != null) b.header("Origin", origin);
        return http.send(b.build());
    }

    static String hs256(String secret, String subject, Instant iat, Instant exp, String jti, Map<String, Object> claims) {
        try {
            JWTClaimsSet.Builder c = new JWTClaimsSet.Builder().subject(subject).issueTime(Date.from(iat))
                    .expirationTime(Date.from(exp)).jwtID(jti);
            claims.forEach(c::claim);
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), c.build());
            JWSSigner signer = new com.nimbusds.jose.crypto.MACSigner(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            jwt.sign(signer);
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    static String customerToken(String secret, String subject, Map<String, Object> claims) {
        Instant now = Instant.now();
        return hs256(secret, subject, now, now.plusSeconds(120), UUID.randomUUID().toString(), claims);
    }
}
