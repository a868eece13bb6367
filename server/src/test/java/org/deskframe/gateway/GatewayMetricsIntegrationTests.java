package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.Prometheus;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The seed scenario becomes a graph: a handshake refused for a missing scope is counted under its catalogue code, a
 * ready one under its widget, open sessions per widget, commits of the message log; all on /actuator/prometheus, which
 * only the deployment admin client may read (docs/observability.md).
 */
class GatewayMetricsIntegrationTests extends DeskframeServerTest {

    private static final String ADMIN_SECRET = Prometheus.ADMIN_SECRET;

    private String scrape() {
        return Prometheus.scrape(http);
    }

    private static double value(String exposition, String name, String... labels) {
        return Prometheus.value(exposition, name, labels);
    }

    @Test
    void handshakesAreCountedByOutcomeWidgetAndCatalogueCodeAndSessionsByWidget() {
        String before = scrape();
        double refusedBefore = value(before, "deskframe_gateway_handshakes_total", "code=\"token.scope_missing\"", "outcome=\"refused\"", "widget=\"messaging\"");
        double readyBefore = value(before, "deskframe_gateway_handshakes_total", "code=\"none\"", "outcome=\"ready\"", "widget=\"messaging\"");
        double commitsBefore = value(before, "deskframe_messaging_commits_seconds_count");

        try (StreamClient lacking = StreamClient.connect(BASE); StreamClient ok = StreamClient.connect(BASE)) {
            lacking.sendFrame("op", "authenticate", "id", "a", "token", http.agentToken("demo-backend", "agent1", "messaging:read"),
                    "widget", "messaging");
            assertThat(lacking.next().get("code").asString()).isEqualTo("token.scope_missing");
            ok.authenticate(http.agentToken("demo-backend", "agent1", "messaging:read messaging:write"), "messaging");
            ok.sendFrame("op", "start_conversation", "id", "s", "agents", java.util.List.of("agent2"), "subject", "metrics");
            String conv = ok.nextOp("conversation").get("conversation").get("id").asString();
            ok.sendFrame("op", "send", "id", "m", "conversation", conv, "clientMessageId", "metrics-1", "text", "counted");
            ok.nextOp("ack");

            String after = scrape();
            assertThat(value(after, "deskframe_gateway_handshakes_total", "code=\"token.scope_missing\"", "outcome=\"refused\"",
                    "widget=\"messaging\"")).isEqualTo(refusedBefore + 1);
            assertThat(value(after, "deskframe_gateway_handshakes_total", "code=\"none\"", "outcome=\"ready\"", "widget=\"messaging\""))
                    .isEqualTo(readyBefore + 1);
            assertThat(value(after, "deskframe_gateway_sessions", "widget=\"messaging\"")).isGreaterThanOrEqualTo(1);
            assertThat(value(after, "deskframe_messaging_commits_seconds_count")).isGreaterThan(commitsBefore);
            // Every series says which node measured it.
            assertThat(after).containsPattern("deskframe_gateway_sessions\\{[^}]*node=\"[^\"]+\"");
        }
    }

    @Test
    void handshakesThatEndWithoutAnAuthenticateVerdictAreCountedToo() {
        String before = scrape();
        double badFrame = value(before, "deskframe_gateway_handshakes_total", "code=\"protocol.bad_frame\"", "widget=\"unknown\"");
        double timeout = value(before, "deskframe_gateway_handshakes_total", "code=\"handshake.timeout\"", "widget=\"unknown\"");
        try (StreamClient garbled = StreamClient.connect(BASE); StreamClient silent = StreamClient.connect(BASE)) {
            garbled.send("{not json");
            assertThat(garbled.next().get("code").asString()).isEqualTo("protocol.bad_frame");
            assertThat(silent.next(f -> "error".equals(f.get("op").asString()), java.time.Duration.ofSeconds(8))
                    .get("code").asString()).isEqualTo("handshake.timeout");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).untilAsserted(() -> {
                String after = scrape();
                assertThat(value(after, "deskframe_gateway_handshakes_total", "code=\"protocol.bad_frame\"", "outcome=\"refused\"",
                        "widget=\"unknown\"")).isEqualTo(badFrame + 1);
                assertThat(value(after, "deskframe_gateway_handshakes_total", "code=\"handshake.timeout\"", "outcome=\"refused\"",
                        "widget=\"unknown\"")).isEqualTo(timeout + 1);
            });
        }
    }

    @Test
    void onlyTheDeploymentAdminClientMayReadTheMetricsAndEveryOtherCallerIsToldWhy() {
        Reply anonymous = http.get("/actuator/prometheus", null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.json().get("code").asString()).isEqualTo("token.missing");

        // The deployment admin client, with a token that did not ask for the scope: told to ask for it.
        Reply adminOnly = http.form("/oauth2/token", "deskframe-admin", ADMIN_SECRET, Map.of("grant_type", "client_credentials", "scope", "admin"));
        Reply unscoped = http.get("/actuator/prometheus", adminOnly.json().get("access_token").asString());
        assertThat(unscoped.status()).isEqualTo(403);
        JsonNode problem = unscoped.json();
        assertThat(problem.get("code").asString()).isEqualTo("token.scope_missing");
        assertThat(problem.get("message").asString()).contains("metrics:read");
        assertThat(problem.get("hint").asString()).startsWith("Request metrics:read when obtaining the token");

        // An agent's token belongs to an organisation: the metrics are the deployment's.
        Reply agent = http.get("/actuator/prometheus", http.agentToken("demo-backend", "agent1", "messaging:read"));
        assertThat(agent.status()).isEqualTo(403);
        assertThat(agent.json().get("code").asString()).isEqualTo("admin.deployment_only");

        // An organisation's client is told the metrics are the deployment's, and whose client reads them.
        Reply orgAdmin = http.get("/actuator/prometheus", http.clientToken("demo-admin", "admin"));
        assertThat(orgAdmin.status()).isEqualTo(403);
        assertThat(orgAdmin.json().get("code").asString()).isEqualTo("admin.deployment_only");
        assertThat(orgAdmin.json().get("message").asString()).isEqualTo("Only the deployment administrator may read the deployment's"
                + " metrics (/actuator/prometheus); OAuth client demo-admin administers organisation demo only.");
    }

}
