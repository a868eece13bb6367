package org.deskframe.guest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deskframe.testing.PostgresServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The guest side on the scaled-out engines: V5 on PostgreSQL, the session rate limit as a Redis token bucket. */
class GuestPostgresIntegrationTests extends PostgresServerTest {

    private static final String SECRET = "integrator-secret-0123456789abcdef-0123456789";
    private final GuestFixture guests = new GuestFixture(http);

    @Test
    void whenOnPostgresqlThenSessionsResumeAndCustomerTokensAreTakenOnce() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin, "verification", Map.of("secret", SECRET), "prechatFields", java.util.List.of("name"));
        String once = GuestFixture.customerToken(SECRET, "pg-customer", Map.of("name", "Pat", "plan", "pro"));
        JsonNode first = guests.session(origin, "deployment", dep, "customerToken", once).json();
        assertThat(first.get("customer").get("verified").asBoolean()).as(first.toString()).isTrue();
        Reply replayed = guests.session(origin, "deployment", dep, "customerToken", once);
        assertThat(replayed.json().get("code").asString()).isEqualTo("customer.token_replayed");

        JsonNode again = guests.session(origin, "deployment", dep, "resume", first.get("resume").asString()).json();
        assertThat(again.get("conversation").asString()).isEqualTo(first.get("conversation").asString());
        assertThat(again.get("customer").get("name").asString()).isEqualTo("Pat");
        try (StreamClient c = StreamClient.connect(BASE, BASE)) {
            GuestSessionIntegrationTests.customer(c, again.get("token").asString(), origin);
            c.sendFrame("op", "send", "id", "s", "conversation", first.get("conversation").asString(), "clientMessageId", "m", "text", "hi");
            assertThat(c.nextOp("ack").get("seq").asLong()).isEqualTo(2);
        }
    }

    @Test
    void whenAFloodComesFromOneOriginThenTheClusterWideBucketRefusesIt() {
        String origin = GuestFixture.uniqueOrigin();
        String dep = guests.deployment(origin);
        Reply refused = null;
        for (int i = 0; i < 30 && refused == null; i++) {
            Reply r = guests.session(origin, "deployment", dep);
            if (r.status() == 429) refused = r;
        }
        assertThat(refused).isNotNull();
        assertThat(refused.json().get("code").asString()).isEqualTo("guest.rate_limited");
        assertThat(refused.header("Retry-After")).isNotBlank();
    }
}
