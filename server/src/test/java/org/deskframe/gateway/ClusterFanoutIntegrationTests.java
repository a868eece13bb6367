package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.PostgresServerTest;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Scaled-out mode for real: two nodes over one PostgreSQL schema and the local Redis. Agents connected to different
 * nodes talk live, a widget may reconnect to the other node and resume, and a revocation on one node closes the
 * session on the other, and refuses the token on the other at its next check (it had checked it before).
 */
class ClusterFanoutIntegrationTests extends PostgresServerTest {

    static ServerInstance nodeB;
    static final String RW = "messaging:read messaging:write";

    @BeforeAll
    static void startSecondNode() throws Exception {
        nodeB = new ServerInstance(Files.createTempDirectory("deskframe-node-b"), nodeProperties(org.deskframe.testing.DeskframeServerTest.freePort()));
        nodeB.start();
    }

    @AfterAll
    static void stopSecondNode() {
        nodeB.close();
    }

    private String nodeBUrl() {
        return "http://localhost:" + nodeB.port();
    }

    @Test
    void agentsOnDifferentNodesTalkLive() {
        try (StreamClient a1 = StreamClient.connect(BASE); StreamClient a2 = StreamClient.connect(nodeBUrl())) {
            a1.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            a2.authenticate(http.agentToken("demo-backend", "agent2", RW), "messaging");
            a1.sendFrame("op", "start_conversation", "id", "s", "agents", List.of("agent2"));
            String conv = a1.nextOp("conversation").get("conversation").get("id").asString();
            assertThat(a2.nextOp("conversation").get("conversation").get("id").asString()).isEqualTo(conv);

            a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "x-1", "text", "from node A");
            JsonNode m = a2.nextOp("message");
            assertThat(m.get("text").asString()).isEqualTo("from node A");
            assertThat(m.get("seq").asLong()).isEqualTo(1);

            a2.sendFrame("op", "typing", "conversation", conv);
            assertThat(a1.nextOp("typing").get("participant").get("id").asString()).isEqualTo("agent2");
            a2.sendFrame("op", "send", "conversation", conv, "clientMessageId", "x-2", "text", "from node B");
            assertThat(a1.next(f -> "message".equals(f.get("op").asString()) && f.get("seq").asLong() == 2, Duration.ofSeconds(10))
                    .get("text").asString()).isEqualTo("from node B");

            // agent2 moves to node A and resumes from what it saw on node B.
            a2.close();
            try (StreamClient moved = StreamClient.connect(BASE)) {
                a1.sendFrame("op", "send", "conversation", conv, "clientMessageId", "x-3", "text", "while moving");
                a1.next(f -> "ack".equals(f.get("op").asString()), Duration.ofSeconds(10));
                moved.sendFrame("op", "authenticate", "token", http.agentToken("demo-backend", "agent2", RW), "widget", "messaging",
                        "resume", Map.of(conv, 1));
                assertThat(moved.nextOp("ready")).isNotNull();
                assertThat(moved.nextOp("message").get("seq").asLong()).isEqualTo(2);
                assertThat(moved.nextOp("message").get("seq").asLong()).isEqualTo(3);
                assertThat(moved.nextOp("caught_up").get("seq").asLong()).isEqualTo(3);
            }
        }
    }

    @Test
    void aTokenRevokedOnOneNodeClosesItsSessionOnTheOther() {
        String token = http.agentToken("demo-backend", "agent1", RW);
        try (StreamClient onB = StreamClient.connect(nodeBUrl())) {
            onB.authenticate(token, "messaging");
            assertThat(http.form("/oauth2/revoke", "demo-backend", "demo-backend-secret-0123456789abcdef",
                    Map.of("token", token)).status()).isEqualTo(200);
            JsonNode error = onB.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(error.get("code").asString()).isEqualTo("token.revoked");
            assertThat(onB.closeCode()).isEqualTo(4102);
        }
    }

    /** Node B checked the token before (and keeps its standing); node A's revocation reaches it over Redis within a second. */
    @Test
    void aTokenCheckedOnOneNodeIsRefusedThereWithinASecondOfItsRevocationOnTheOther() {
        TestClient onB = new TestClient(nodeBUrl());
        String token = http.agentToken("demo-backend", "agent1", RW);
        assertThat(onB.get("/api/v2/tokens/me", token).status()).isEqualTo(200);
        try (StreamClient ws = StreamClient.connect(nodeBUrl())) {
            ws.authenticate(token, "messaging");
        }

        assertThat(http.form("/oauth2/revoke", "demo-backend", "demo-backend-secret-0123456789abcdef",
                Map.of("token", token)).status()).isEqualTo(200);

        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> onB.get("/api/v2/tokens/me", token).status() != 200);
        TestClient.Reply refused = onB.get("/api/v2/tokens/me", token);
        assertThat(refused.status()).isEqualTo(401);
        assertThat(refused.json().get("code").asString()).isEqualTo("token.revoked");
        try (StreamClient ws = StreamClient.connect(nodeBUrl())) {
            ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", "messaging");
            assertThat(ws.next().get("code").asString()).isEqualTo("token.revoked");
            assertThat(ws.closeCode()).isEqualTo(4102);
        }
    }

    @Test
    void anAgentDisabledOnOneNodeIsRefusedOnTheOtherAsDisabledWithinASecond() {
        TestClient onB = new TestClient(nodeBUrl());
        String admin = http.clientToken("demo-admin", "admin");
        String agent = "cache-node-" + Long.toString(System.nanoTime(), 36);
        assertThat(http.send("POST", "/api/v2/admin/orgs/demo/agents", admin,
                "{\"id\":\"" + agent + "\",\"username\":\"" + agent + "\"}").status()).isEqualTo(201);
        String token = http.agentToken("demo-backend", agent, RW);
        assertThat(onB.get("/api/v2/tokens/me", token).status()).isEqualTo(200);

        assertThat(http.send("PATCH", "/api/v2/admin/orgs/demo/agents/" + agent, admin, "{\"enabled\":false}").status()).isEqualTo(200);

        Awaitility.await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                .until(() -> onB.get("/api/v2/tokens/me", token).status() != 200);
        TestClient.Reply refused = onB.get("/api/v2/tokens/me", token);
        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.json().get("code").asString()).isEqualTo("agent.disabled");
        try (StreamClient ws = StreamClient.connect(nodeBUrl())) {
            ws.sendFrame("op", "authenticate", "id", "h", "token", token, "widget", "messaging");
            assertThat(ws.next().get("code").asString()).isEqualTo("agent.disabled");
        }
    }
}
