package org.deskframe.admin;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Canned responses: an org admin manages them over the admin API, the org's agents list them over the gateway. */
class CannedResponsesIntegrationTests extends DeskframeServerTest {

    private static final String DEMO = "/api/v2/admin/orgs/demo/canned-responses";

    private static String json(Object... keysAndValues) {
        Map<String, Object> body = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) body.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return TestClient.JSON.writeValueAsString(body);
    }

    @Test
    void anOrgAdminCreatesChangesListsAndDeletesCannedResponsesAndItsAgentsListThem() {
        String admin = http.clientToken("demo-admin", "admin");
        String title = "Greeting " + System.nanoTime();
        Reply created = http.send("POST", DEMO, admin, json("title", title, "text", "Hello, how can I help you today?"));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String id = created.json().get("id").asString();
        assertThat(created.header("Location")).isEqualTo(BASE + DEMO + "/" + id);

        Reply changed = http.send("PATCH", DEMO + "/" + id, admin, json("text", "Hello! How can I help?"));
        assertThat(changed.status()).as(changed.body()).isEqualTo(200);
        assertThat(changed.json().get("title").asString()).isEqualTo(title);
        assertThat(changed.json().get("text").asString()).isEqualTo("Hello! How can I help?");
        assertThat(http.get(DEMO, admin).json().toString()).contains(id);

        try (StreamClient agent = StreamClient.connect(BASE)) {
            agent.authenticate(http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"), "messaging");
            agent.sendFrame("op", "list_canned_responses", "id", "cr");
            JsonNode listed = agent.nextOp("canned_responses");
            assertThat(listed.get("id").asString()).isEqualTo("cr");
            assertThat(listed.get("cannedResponses").toString()).contains(id, "Hello! How can I help?");
        }
        // Another org's agents never see them.
        try (StreamClient acme = StreamClient.connect(BASE)) {
            acme.authenticate(http.agentToken("acme-backend", "acme-agent1", "messaging:read messaging:write"), "messaging");
            acme.sendFrame("op", "list_canned_responses", "id", "cr");
            assertThat(acme.nextOp("canned_responses").get("cannedResponses").toString()).doesNotContain(id);
        }

        assertThat(http.send("DELETE", DEMO + "/" + id, admin, null).status()).isEqualTo(204);
        assertThat(http.get(DEMO + "/" + id, admin).status()).isEqualTo(404);
    }

    @Test
    void aSecondResponseWithTheSameTitleIsRefusedWithTheExistingOnesId() {
        String admin = http.clientToken("demo-admin", "admin");
        String title = "Closing " + System.nanoTime();
        String first = http.send("POST", DEMO, admin, json("title", title, "text", "Bye")).json().get("id").asString();
        Reply again = http.send("POST", DEMO, admin, json("title", title.toUpperCase(), "text", "Bye again"));
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().get("code").asString()).isEqualTo("canned.title_taken");
        assertThat(again.json().get("hint").asString()).contains(first);
        Reply empty = http.send("POST", DEMO, admin, json("title", "  ", "text", "x"));
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("code").asString()).isEqualTo("request.invalid");
    }

    @Test
    void theyAreInTheOpenApiDocumentUnderTheAdminToken() {
        JsonNode paths = http.get("/v3/api-docs", null).json().get("paths");
        JsonNode collection = paths.get("/api/v2/admin/orgs/{orgId}/canned-responses");
        assertThat(collection.get("post").get("operationId").asString()).isEqualTo("createCannedResponse");
        assertThat(collection.get("post").get("responses").has("409")).isTrue();
        assertThat(collection.get("get").get("security").toString()).contains("adminToken");
        JsonNode one = paths.get("/api/v2/admin/orgs/{orgId}/canned-responses/{responseId}");
        assertThat(one.has("get") && one.has("patch") && one.has("delete")).isTrue();
    }

    @Test
    void anotherOrgsAdminCannotReachThem() {
        String admin = http.clientToken("demo-admin", "admin");
        String id = http.send("POST", DEMO, admin, json("title", "Private " + System.nanoTime(), "text", "x")).json().get("id").asString();
        Reply foreign = http.get("/api/v2/admin/orgs/acme/canned-responses/" + id, admin);
        assertThat(foreign.status()).isEqualTo(404);
    }
}
