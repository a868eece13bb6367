package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Integrator-signed customer tokens: HS256 and JWKS (RS256, ES256), each refusal with its own code and hint. */
class VerifiedCustomerIntegrationTests extends DeskframeServerTest {

    private static final String SECRET = "integrator-secret-0123456789abcdef-0123456789";
    private final GuestFixture guests = new GuestFixture(http);

    @Test
    void whenTheIntegratorSignsTheCustomerThenTheSessionIsVerifiedWithItsAttributes() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "verification", Map.of("secret", SECRET));
        String sub = "crm-" + UUID.randomUUID();
        Reply r = guests.session(origin, "deployment", dep, "customerToken",
                GuestFixture.customerToken(SECRET, sub, Map.of("name", "Ada Lovelace", "email", "ada@example.com", "tier", "gold")));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        JsonNode customer = r.json().get("customer");
        assertThat(customer.get("verified").asBoolean()).isTrue();
        assertThat(customer.get("name").asString()).isEqualTo("Ada Lovelace");
        assertThat(customer.get("id").asString()).startsWith("v_").doesNotContain(sub);
    }

    @Test
    void whenAVerifiedCustomerComesBackOnAnotherDeviceThenItContinuesAndSeesItsEarlierConversations() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "verification", Map.of("secret", SECRET));
        String sub = "crm-" + UUID.randomUUID();
        JsonNode first = guests.session(origin, "deployment", dep, "customerToken", GuestFixture.customerToken(SECRET, sub, Map.of())).json();
        String conv1 = first.get("conversation").asString();
        // Another device: no resume credential, a new customer token for the same sub.
        JsonNode second = guests.session(origin, "deployment", dep, "customerToken", GuestFixture.customerToken(SECRET, sub, Map.of())).json();
        assertThat(second.get("conversation").asString()).isEqualTo(conv1);
        assertThat(second.get("resumed").asBoolean()).isTrue();
        // A new conversation after the first: the first is listed as earlier, and its history is readable.
        JsonNode third = guests.session(origin, "deployment", dep, "customerToken", GuestFixture.customerToken(SECRET, sub, Map.of()),
                "restart", true).json();
        assertThat(third.get("conversation").asString()).isNotEqualTo(conv1);
        assertThat(third.get("earlierConversations").toString()).contains(conv1);
        Reply history = http.get("/api/v2/conversations/" + conv1 + "/messages", third.get("token").asString());
        assertThat(history.status()).isEqualTo(200);
        assertThat(history.json().get("messages").get(0).get("text").asString()).isEqualTo("Hello from " + dep);
    }

    @Test
    void whenTheCustomerTokenIsBadExpiredOrReplayedThenEachHasItsOwnCode() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "verification", Map.of("secret", SECRET));
        Reply forged = guests.session(origin, "deployment", dep, "customerToken",
                GuestFixture.customerToken("another-secret-0123456789abcdef-0123456789", "x", Map.of()));
        assertThat(forged.status()).isEqualTo(401);
        assertThat(forged.json().get("code").asString()).isEqualTo("customer.token_invalid");
        assertThat(forged.json().get("message").asString()).contains(dep, "HS256");
        assertThat(forged.json().get("hint").asString()).contains("Verified customers");

        Reply garbage = guests.session(origin, "deployment", dep, "customerToken", "not-a-jwt");
        assertThat(garbage.json().get("code").asString()).isEqualTo("customer.token_invalid");

        Instant past = Instant.now().minusSeconds(600);
        Reply expired = guests.session(origin, "deployment", dep, "customerToken",
                GuestFixture.hs256(SECRET, "x", past, past.plusSeconds(120), UUID.randomUUID().toString(), Map.of()));
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.json().get("code").asString()).isEqualTo("customer.token_expired");

        Instant now = Instant.now();
        Reply tooLong = guests.session(origin, "deployment", dep, "customerToken",
                GuestFixture.hs256(SECRET, "x", now, now.plusSeconds(86_400), UUID.randomUUID().toString(), Map.of()));
        assertThat(tooLong.json().get("message").asString()).contains("at most 600 s");

        String once = GuestFixture.customerToken(SECRET, "replayed-" + UUID.randomUUID(), Map.of());
        assertThat(guests.session(origin, "deployment", dep, "customerToken", once).status()).isEqualTo(201);
        Reply replayed = guests.session(origin, "deployment", dep, "customerToken", once);
        assertThat(replayed.status()).isEqualTo(401);
        assertThat(replayed.json().get("code").asString()).isEqualTo("customer.token_replayed");

        String anonymous = guests.deployment(origin);
        Reply off = guests.session(origin, "deployment", anonymous, "customerToken", GuestFixture.customerToken(SECRET, "x", Map.of()));
        assertThat(off.status()).isEqualTo(400);
        assertThat(off.json().get("code").asString()).isEqualTo("customer.verification_not_configured");
    }

    @Test
    void whenTheDeploymentHasAJwksThenRs256AndEs256TokensVerifyAndOthersDoNot() throws Exception {
        RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        ECKey ec = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
        RSAKey stranger = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
        HttpServer jwks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        byte[] body = new JWKSet(List.of(rsa.toPublicJWK(), ec.toPublicJWK())).toString().getBytes(StandardCharsets.UTF_8);
        jwks.createContext("/jwks.json", ex -> {
            ex.getResponseHeaders().add("Content-Type", "application/json");
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        jwks.start();
        try {
            String origin = GuestFixture.uniqueOrigin();
            String dep = guests.deployment(origin, "verification",
                    Map.of("jwksUrl", "http://127.0.0.1:" + jwks.getAddress().getPort() + "/jwks.json"));
            Reply viaRsa = guests.session(origin, "deployment", dep, "customerToken", signed(JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa), dep));
            assertThat(viaRsa.status()).as(viaRsa.body()).isEqualTo(201);
            assertThat(viaRsa.json().get("customer").get("verified").asBoolean()).isTrue();
            Reply viaEc = guests.session(origin, "deployment", dep, "customerToken", signed(JWSAlgorithm.ES256, ec.getKeyID(), new ECDSASigner(ec), dep));
            assertThat(viaEc.status()).as(viaEc.body()).isEqualTo(201);
            Reply foreign = guests.session(origin, "deployment", dep, "customerToken",
                    signed(JWSAlgorithm.RS256, stranger.getKeyID(), new RSASSASigner(stranger), dep));
            assertThat(foreign.json().get("code").asString()).isEqualTo("customer.token_invalid");
            assertThat(foreign.json().get("message").asString()).contains("JWKS");
            Reply wrongAudience = guests.session(origin, "deployment", dep, "customerToken",
                    signed(JWSAlgorithm.RS256, rsa.getKeyID(), new RSASSASigner(rsa), "someone-else"));
            assertThat(wrongAudience.json().get("message").asString()).contains("aud");
        } finally {
            jwks.stop(0);
        }
    }

    private static String signed(JWSAlgorithm alg, String kid, com.nimbusds.jose.JWSSigner signer, String audience) throws Exception {
        Instant now = Instant.now();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), new JWTClaimsSet.Builder()
                .subject("jwks-" + UUID.randomUUID()).audience(audience).issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                .jwtID(UUID.randomUUID().toString()).claim("name", "Grace").build());
        jwt.sign(signer);
        return jwt.serialize();
    }
}
