package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The admin API of messenger deployments: CRUD, every validation error naming its field, tenant isolation. */
class MessengerDeploymentAdminIntegrationTests extends DeskframeServerTest {

    private final GuestFixture guests = new GuestFixture(http);

    @Test
    void whenAnAdminCreatesReadsReplacesAndDeletesADeploymentThenEachStepShowsAndSecretsNever() {
        String origin = GuestFixture.uniqueOrigin();
        String id = guests.deployment(origin, "prechatFields", List.of("name"),
                "businessHours", Map.of("timeZone", "Europe/Berlin", "periods", List.of(Map.of("day", "MONDAY", "opens", "09:00", "closes", "17:00"))),
                "offlineMessage", "We are closed", "verification", Map.of("secret", "s".repeat(40)));
        JsonNode got = http.get(GuestFixture.DEPLOYMENTS + "/" + id, guests.admin()).json();
        assertThat(got.get("queue").asString()).isEqualTo("demo-support");
        assertThat(got.get("allowedOrigins").toString()).isEqualTo("[\"" + origin + "\"]");
        assertThat(got.get("verification").get("kind").asString()).isEqualTo("HS256");
        assertThat(got.toString()).doesNotContain("ssssssss");
        assertThat(got.get("businessHours").get("periods").get(0).get("opens").asString()).isEqualTo("09:00");
        assertThat(http.get(GuestFixture.DEPLOYMENTS, guests.admin()).body()).contains("\"" + id + "\"");

        Reply replaced = http.send("PUT", GuestFixture.DEPLOYMENTS + "/" + id, guests.admin(), TestClient.JSON.writeValueAsString(Map.of(
                "name", "Renamed", "allowedOrigins", List.of(origin, "http://localhost:8082"), "queue", "demo-support",
                "verification", Map.of("keepSecret", true))));
        assertThat(replaced.status()).as(replaced.body()).isEqualTo(200);
        assertThat(replaced.json().get("name").asString()).isEqualTo("Renamed");
        assertThat(replaced.json().get("verification").get("kind").asString()).isEqualTo("HS256");
        assertThat(replaced.json().get("businessHours").isNull()).isTrue();

        assertThat(http.send("DELETE", GuestFixture.DEPLOYMENTS + "/" + id, guests.admin(), null).status()).isEqualTo(204);
        assertThat(http.get(GuestFixture.DEPLOYMENTS + "/" + id, guests.admin()).status()).isEqualTo(404);
    }

    @Test
    void whenADefinitionIsWrongThenRequestInvalidNamesTheField() {
        String admin = guests.admin();
        Map<String, Object> good = Map.of("id", "bad-" + System.nanoTime() % 100000, "name", "x",
                "allowedOrigins", List.of("https://ok.example"), "queue", "demo-support");
        assertInvalid(with(good, "allowedOrigins", List.of("https://shop.example/path")), "allowedOrigins");
        assertInvalid(with(good, "allowedOrigins", List.of("*")), "allowedOrigins");
        assertInvalid(with(good, "allowedOrigins", List.of()), "allowedOrigins");
        assertInvalid(with(good, "queue", "acme-support"), "queue 'acme-support' is not a queue of organisation demo");
        assertInvalid(with(good, "queue", "no-such-queue"), "no-such-queue");
        assertInvalid(with(good, "prechatFields", List.of("phone")), "prechatFields");
        assertInvalid(with(good, "verification", Map.of("secret", "short")), "at least 32 bytes");
        assertInvalid(with(good, "verification", Map.of("secret", "s".repeat(40), "jwksUrl", "https://x.example/jwks")), "not both");
        assertInvalid(with(good, "verification", Map.of()), "verification needs secret");
        assertInvalid(with(good, "businessHours", Map.of("timeZone", "Mars/Olympus", "periods", List.of())), "timeZone");
        assertInvalid(with(good, "businessHours", Map.of("timeZone", "UTC", "periods", List.of(Map.of("day", "FUNDAY", "opens", "09:00", "closes", "10:00")))), "FUNDAY");
        assertInvalid(with(good, "offlineMessage", "closed"), "offlineMessage needs businessHours");
        assertInvalid(with(good, "id", "has spaces"), "id");
        Reply dup = http.send("POST", GuestFixture.DEPLOYMENTS, admin, TestClient.JSON.writeValueAsString(good));
        assertThat(dup.status()).isEqualTo(201);
        Reply again = http.send("POST", GuestFixture.DEPLOYMENTS, admin, TestClient.JSON.writeValueAsString(good));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("resource.conflict");
    }

    @Test
    void whenAskedThroughAnotherOrganisationThenTheDeploymentIsNotThere() {
        String id = guests.deployment(GuestFixture.uniqueOrigin());
        Reply token = http.form("/oauth2/token", "deskframe-admin", "test-bootstrap-admin-secret-0123456789abcdef",
                Map.of("grant_type", "client_credentials", "scope", "admin"));
        String deploymentAdmin = token.json().get("access_token").asString();
        Reply viaAcme = http.get("/api/v2/admin/orgs/acme/messenger-deployments/" + id, deploymentAdmin);
        assertThat(viaAcme.status()).isEqualTo(404);
        assertThat(viaAcme.json().get("code").asString()).isEqualTo("resource.not_found");
        // demo's own admin does not see acme at all.
        assertThat(http.get("/api/v2/admin/orgs/acme/messenger-deployments", guests.admin()).status()).isEqualTo(404);
        assertThat(http.get(GuestFixture.DEPLOYMENTS + "/" + id, deploymentAdmin).status()).isEqualTo(200);
    }

    @Test
    void whenTheDemoRunsThenDemoWebAllowsTheDemoOriginsAndTheCustomerSite() {
        JsonNode demo = http.get(GuestFixture.DEPLOYMENTS + "/demo-web", guests.admin()).json();
        assertThat(demo.get("queue").asString()).isEqualTo("demo-support");
        assertThat(demo.get("allowedOrigins").toString()).contains("http://localhost:8082", "http://localhost:8081", BASE,
                "https://desk.integrator.example");
    }

    private void assertInvalid(Map<String, Object> body, String mentions) {
        Reply r = http.send("POST", GuestFixture.DEPLOYMENTS, guests.admin(), TestClient.JSON.writeValueAsString(body));
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.json().get("code").asString()).isEqualTo("request.invalid");
        assertThat(r.json().get("message").asString()).as(r.body()).contains(mentions);
    }

    private static Map<String, Object> with(Map<String, Object> base, String key, Object value) {
        Map<String, Object> m = new java.util.LinkedHashMap<>(base);
        m.put(key, value);
        return m;
    }
}
