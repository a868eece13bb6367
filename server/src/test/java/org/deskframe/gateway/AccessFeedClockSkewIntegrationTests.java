package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.testing.PostgresSchema;
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

    static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");
    static final String RW = "messaging:read messaging:write";

    static PostgresSchema schema;
    static ServerProcess skewed;
    static ServerProcess sessions;

    @BeforeAll
    static void start() throws Exception {
        assertThat(FAKETIME).as("libfaketime (Debian package libfaketime; .ci/run installs it)").exists();
        schema = PostgresSchema.named("deskframe_skew");
        sessions = new ServerProcess(Files.createTempDirectory("deskframe-skew-b"), node());
        // Both nodes name the same issuer (the sessions node's URL stands for the load balancer's).
        Map<String, Object> skewedNode = node();
        skewedNode.put("deskframe.region.public-url", sessions.base());
        skewed = new ServerProcess(Files.createTempDirectory("deskframe-skew-a"), skewedNode)
                .withEnvironment(Map.of("LD_PRELOAD", FAKETIME.toString(), "FAKETIME", "-10m",
                        // The JVM's timers and GC need a true monotonic clock; only the wall clock is skewed, not files.
                        "FAKETIME_DONT_FAKE_MONOTONIC", "1", "NO_FAKE_STAT", "1"))
                // Every wall-clock read goes through libfaketime: the JVM starts several times slower.
                .withStartTimeout(Duration.ofMinutes(6));
        sessions.start();
        skewed.start();
        // First requests of a cold JVM (and one under libfaketime) are slow: warm both paths the tests take.
        String warmUp = sessions.http().agentToken("demo-backend", "agent1", RW);
        try (StreamClient ws = org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                .until(() -> StreamClient.connect(sessions.base()), java.util.Objects::nonNull)) {
            ws.authenticate(warmUp, "messaging");
        }
        skewed.http().clientToken("demo-admin", "admin");
    }

    static Map<String, Object> node() {
        Map<String, Object> p = new LinkedHashMap<>(schema.properties());
        p.put("spring.datasource.hikari.maximum-pool-size", 5);
        p.put("deskframe.gateway.revocation-poll", "300ms");
        return p;
    }

    @AfterAll
    static void stop() throws Exception {
        if (skewed != null) skewed.close();
        if (sessions != null) sessions.close();
        if (schema != null) schema.close();
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
