package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Set;
import org.deskframe.identity.AccessChanges;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/**
 * What an admin takes away from an OAuth client ends the sessions that stood on it, at once and with the catalogue's
 * cause (docs/admin-api.md: "disable the client if they must stop now"); what it does not take away leaves them open.
 */
class AccessChangeIntegrationTests extends DeskframeServerTest {

    private static final String ORIGIN = "https://desk.integrator.example";
    private static final String OTHER_ORIGIN = "https://other.integrator.example";
    private static final String RW = "messaging:read messaging:write";

    @Autowired
    ClientDirectory clients;

    @Autowired
    AccessChanges changes;

    @Test
    void disablingTheClientClosesItsLiveSessionsWithClientUnknown() {
        String client = register("df-disable");
        try (StreamClient ws = open(client, ORIGIN)) {
            patch(client, "{\"enabled\":false}");
            assertClosed(ws, "client.unknown", 4307, client);
        }
    }

    @Test
    void removingEmbedClosesItsLiveSessionsWithEmbedNotAllowed() {
        String client = register("df-noembed");
        try (StreamClient ws = open(client, ORIGIN)) {
            patch(client, "{\"capabilities\":[]}");
            assertClosed(ws, "client.embed_not_allowed", 4306, client);
        }
    }

    @Test
    void removingAnEmbeddingOriginClosesOnlyTheSessionsEmbeddedThere() {
        String client = register("df-origin");
        try (StreamClient there = open(client, ORIGIN); StreamClient elsewhere = open(client, OTHER_ORIGIN)) {
            patch(client, "{\"allowedEmbeddingOrigins\":[\"" + OTHER_ORIGIN + "\"]}");
            assertClosed(there, "origin.not_allowed", 4308, ORIGIN);
            // The session embedded on the origin that stays is untouched: it still answers commands.
            elsewhere.sendFrame("op", "list_conversations", "id", "still-here");
            assertThat(elsewhere.next(f -> "still-here".equals(f.path("id").asString()), Duration.ofSeconds(3)).get("op").asString())
                    .isNotEqualTo("error");
            assertThat(elsewhere.isClosed()).isFalse();
        }
    }

    @Test
    void aChangeThatTakesNothingAwayClosesNothingAndIsNotInTheFeed() {
        String client = register("df-rename");
        long head = changes.head();
        try (StreamClient ws = open(client, ORIGIN)) {
            patch(client, "{\"name\":\"Renamed\",\"allowedEmbeddingOrigins\":[\"" + ORIGIN + "\",\"" + OTHER_ORIGIN + "\"]}");
            ws.sendFrame("op", "list_conversations", "id", "after-rename");
            assertThat(ws.next(f -> "after-rename".equals(f.path("id").asString()), Duration.ofSeconds(3)).get("op").asString())
                    .isNotEqualTo("error");
            assertThat(ws.isClosed()).isFalse();
        }
        assertThat(changes.after(head, 100)).noneMatch(c -> c.subject().equals(client));
    }

    @Test
    void eachChangeThatTakesSomethingAwayIsInTheDurableFeedAfterThePositionsBefore() {
        String client = register("df-feed");
        long head = changes.head();
        patch(client, "{\"capabilities\":[]}");
        assertThat(changes.after(head, 100)).anySatisfy(c -> {
            assertThat(c.kind()).isEqualTo(org.deskframe.identity.AccessChange.Kind.CLIENT);
            assertThat(c.subject()).isEqualTo(client);
            assertThat(c.position()).isGreaterThan(head);
        });
    }

    private String register(String prefix) {
        String id = prefix + "-" + Long.toString(System.nanoTime(), 36);
        clients.register(new ClientDirectory.ClientRegistration(id, "demo", "Access change test", id + "-secret-0123456789abcdef",
                true, Set.of("client_secret_basic"), Set.of("urn:ietf:params:oauth:grant-type:jwt-bearer"), Set.of(),
                Set.of("messaging:read", "messaging:write"), Set.of(ORIGIN, OTHER_ORIGIN), Set.of("embed"), null,
                Duration.ofMinutes(15), Duration.ofHours(1), true));
        return id;
    }

    private StreamClient open(String client, String embedOrigin) {
        StreamClient ws = StreamClient.connect(BASE);
        ws.sendFrame("op", "authenticate", "token", http.agentToken(client, "agent1", RW), "widget", "messaging",
                "embedOrigin", embedOrigin);
        assertThat(ws.next(f -> true, Duration.ofSeconds(5)).get("op").asString()).isEqualTo("ready");
        return ws;
    }

    private void patch(String client, String body) {
        Reply r = http.send("PATCH", "/api/v2/admin/orgs/demo/clients/" + client, http.clientToken("demo-admin", "admin"), body);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Within a second (the control channel), not at the next periodic read of the feed (5 s) or the token's expiry. */
    private static void assertClosed(StreamClient ws, String code, int closeCode, String mentioned) {
        JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(1));
        assertThat(error.get("code").asString()).isEqualTo(code);
        assertThat(error.get("message").asString() + " " + error.get("hint").asString()).contains(mentioned);
        await(ws);
        assertThat(ws.closeCode()).isEqualTo(closeCode);
        assertThat(ws.closeReason()).isEqualTo(code);
    }

    private static void await(StreamClient ws) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(ws::isClosed);
    }
}
