package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.ServerProcess;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Two nodes over one PostgreSQL schema and nothing else (no Redis: no control channel between them), the revoking node's
 * clock ten minutes behind the other's (libfaketime on its JVM). What one node revokes still closes the other node's
 * sessions within its feed poll: the access-change feed is read by position, and no node's clock decides what is read.
 */
class AccessFeedClockSkewIntegrationTests {

    static final Path FAKETIME = ServerProcess.FAKETIME;
    static final String RW = "messaging:read messaging:write";

    static ClusterDeployment<ServerProcess> deployment;
    static ServerProcess skewed;
    static ServerProcess sessions;

    @BeforeAll
    static void start() throws Exception {
        assertThat(FAKETIME).as("libfaketime (Debian package libfaketime; .ci/run installs it)").exists();
        // Both nodes name the same issuer (the sessions node's URL stands for the load balancer's).
        deployment = ClusterDeployment.of("deskframe_skew", 2)
                .property("spring.datasource.hikari.maximum-pool-size", 5)
                .property("deskframe.gateway.revocation-poll", "300ms")
                .nodeEnvironment(1, ServerProcess.clockSkewedBy("-10m"))
                // Every wall-clock read goes through libfaketime: the JVM starts several times slower.
                .nodeStartTimeout(1, Duration.ofMinutes(6))
                .childJvms();
        sessions = deployment.node(0);
        skewed = deployment.node(1);
        // First requests of a cold JVM (and one under libfaketime) are slow: warm both paths the tests take.
        String warmUp = sessions.http().agentToken("demo-backend", "agent1", RW);
        try (StreamClient ws = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> StreamClient.connect(sessions.base()), java.util.Objects::nonNull)) {
            ws.authenticate(warmUp, "messaging");
        }
        skewed.http().clientToken("demo-admin", "admin");
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    @Test
    void theSkewedNodeReallyRunsTenMinutesBehind() {
        Reply r = skewed.http().get("/actuator/health", null);
        String date = r.header("Date");
        Instant skewedNow = java.time.ZonedDateTime.parse(date, java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        assertThat(Duration.between(skewedNow, Instant.now()).toMinutes()).isBetween(9L, 11L);
    }

    @Test
    void aTokenRevokedOnTheSkewedNodeClosesTheSessionOnTheOtherNode() {
        TestClient onSessions = sessions.http();
        String token = onSessions.agentToken("demo-backend", "agent1", RW);
        try (StreamClient ws = StreamClient.connect(sessions.base())) {
            assertThat(ws.authenticate(token, "messaging").get("op").asString()).isEqualTo("ready");
            Reply revoked = skewed.http().form("/oauth2/revoke", "demo-backend", "demo-backend" + TestClient.DEMO_SECRET_SUFFIX,
                    Map.of("token", token));
            assertThat(revoked.status()).as(revoked.body()).isEqualTo(200);
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(error.get("code").asString()).isEqualTo("token.revoked");
        }
    }

    @Test
    void anAgentDisabledOnTheSkewedNodeHasItsSessionClosedOnTheOtherNode() {
        String token = sessions.http().agentToken("demo-backend", "agent2", RW);
        try (StreamClient ws = StreamClient.connect(sessions.base())) {
            assertThat(ws.authenticate(token, "messaging").get("op").asString()).isEqualTo("ready");
            TestClient admin = skewed.http();
            Reply r = admin.send("PATCH", "/api/v2/admin/orgs/demo/agents/agent2", admin.clientToken("demo-admin", "admin"),
                    "{\"enabled\":false}");
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(error.get("code").asString()).isEqualTo("agent.disabled");
        }
    }
}
