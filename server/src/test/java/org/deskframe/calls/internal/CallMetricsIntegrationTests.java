package org.deskframe.calls.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.messaging.AttachmentFixture;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.Prometheus;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Calls on /actuator/prometheus over real HTTP and the real gateway (docs/observability.md): ended calls by end reason
 * and code for every way a call ends, calls not ended by state (also after a restart: the figure is the database's),
 * TURN credentials issued and calls reported relayed. A server of its own (ring 2 s, re-attach 2 s), so every call on
 * it is this class's and the figures are exact.
 */
class CallMetricsIntegrationTests {

    static ServerInstance server;
    static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerInstance(Files.createTempDirectory("deskframe-call-metrics"), properties("2s", "2s")).start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Map<String, Object> properties(String ring, String reattach) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("deskframe.calls.ring-timeout", ring);
        p.put("deskframe.calls.reattach-timeout", reattach);
        p.put("deskframe.calls.sweep-interval", "100ms");
        p.put("deskframe.calls.turn-urls", "turn:127.0.0.1:3478?transport=udp");
        p.put("deskframe.calls.turn-secret", "metrics-test-turn-secret-0123456789");
        p.put("deskframe.identity.bootstrap-admin-client-id", "deskframe-admin");
        p.put("deskframe.identity.bootstrap-admin-client-secret", Prometheus.ADMIN_SECRET);
        return p;
    }

    @Test
    void whenCallsEndEachWayThenEndedCallsAreCountedByReasonAndCode() {
        awaitNoLiveCalls(server);
        String before = Prometheus.scrape(http);
        Agent a = newAgent(server), b = newAgent(server);
        try (AgentDesk aDesk = phone(server, a); AgentDesk bDesk = phone(server, b)) {
            aDesk.command("op", "call_hangup", "call", connect(aDesk, b, bDesk));
            callPush(bDesk, "ended");

            bDesk.command("op", "call_decline", "call", ring(aDesk, b, bDesk));
            callPush(aDesk, "ended");

            bDesk.command("op", "call_hangup", "call", connect(aDesk, b, bDesk), "reason", "call.ice_failed");
            callPush(aDesk, "ended");

            ring(aDesk, b, bDesk);
            assertThat(text(callPush(aDesk, "ended"), "call", "endReason")).isEqualTo("no_answer");

            connect(aDesk, b, bDesk);
            bDesk.abort();
            assertThat(text(callPush(aDesk, "ended"), "call", "endReason")).isEqualTo("peer_gone");
        }
        String after = Prometheus.scrape(http);
        for (String[] reasonCode : new String[][] {{"hangup", "none"}, {"declined", "call.declined"}, {"failed", "call.ice_failed"},
                {"no_answer", "call.no_answer"}, {"peer_gone", "call.peer_gone"}}) {
            String[] labels = {"reason=\"" + reasonCode[0] + "\"", "code=\"" + reasonCode[1] + "\""};
            assertThat(Prometheus.value(after, "deskframe_calls_ended_total", labels))
                    .as("calls ended %s / %s", reasonCode[0], reasonCode[1])
                    .isEqualTo(Prometheus.value(before, "deskframe_calls_ended_total", labels) + 1);
        }
        assertThat(Prometheus.value(after, "deskframe_calls_transitions_total", "state=\"ended\""))
                .isEqualTo(Prometheus.value(before, "deskframe_calls_transitions_total", "state=\"ended\"") + 5);
    }

    @Test
    void whenCallsRingConnectAndHoldThenTheLiveGaugeCountsThemByStateAndAfterARestartStill() throws Exception {
        Path data = Files.createTempDirectory("deskframe-call-metrics-restart");
        // Long timeouts: the calls must outlive the restart (their sides are detached meanwhile).
        try (ServerInstance first = new ServerInstance(data, properties("60s", "60s")).start()) {
            Agent a = newAgent(first), b = newAgent(first), c = newAgent(first), d = newAgent(first), e = newAgent(first), f = newAgent(first);
            try (AgentDesk aDesk = phone(first, a); AgentDesk bDesk = phone(first, b); AgentDesk cDesk = phone(first, c);
                 AgentDesk dDesk = phone(first, d); AgentDesk eDesk = phone(first, e); AgentDesk fDesk = phone(first, f)) {
                ring(aDesk, b, bDesk);
                connect(cDesk, d, dDesk);
                String held = connect(eDesk, f, fDesk);
                assertCall(eDesk.command("op", "call_hold", "call", held, "on", true), "held");
                assertLive(first, 1, 1, 1);
                eDesk.command("op", "call_hangup", "call", held);
                assertLive(first, 1, 1, 0);
            }
            first.stop();
            try (ServerInstance again = new ServerInstance(data, properties("60s", "60s")).start()) {
                assertLive(again, 1, 1, 0);
            }
        }
    }

    @Test
    void whenIceServersAreHandedOutAndASideReportsARelayThenCredentialsAndRelayedCallsAreCounted() {
        String before = Prometheus.scrape(http);
        Agent a = newAgent(server), b = newAgent(server);
        TestClient.Reply ice = http.get("/api/v2/calls/ice-servers", http.agentToken("demo-backend", a.username(), "voice"));
        assertThat(ice.status()).as(ice.body()).isEqualTo(200);
        AttachmentFixture.Chat chat = new AttachmentFixture(http, server.context()).chat(null, null);
        TestClient.Reply guest = http.get("/api/v2/calls/ice-servers", chat.guestToken());
        assertThat(guest.status()).as(guest.body()).isEqualTo(200);
        try (AgentDesk aDesk = phone(server, a); AgentDesk bDesk = phone(server, b)) {
            String relayedCall = connect(aDesk, b, bDesk);
            report(aDesk, relayedCall, "host", false);
            report(aDesk, relayedCall, "relay", true);
            // The other side and a later report of the same call: still one relayed call.
            report(bDesk, relayedCall, "host", true);
            report(aDesk, relayedCall, "relay", true);
            // An ICE restart moves both sides to a direct path and later back to the relay: still the same one call.
            report(aDesk, relayedCall, "host", false);
            report(bDesk, relayedCall, "host", false);
            report(aDesk, relayedCall, "relay", true);
            aDesk.command("op", "call_hangup", "call", relayedCall);
            callPush(bDesk, "ended");
            String direct = connect(aDesk, b, bDesk);
            report(aDesk, direct, "srflx", false);
            report(bDesk, direct, "host", false);
            aDesk.command("op", "call_hangup", "call", direct);
        }
        String after = Prometheus.scrape(http);
        assertThat(Prometheus.value(after, "deskframe_calls_relayed_total"))
                .isEqualTo(Prometheus.value(before, "deskframe_calls_relayed_total") + 1);
        for (String principal : new String[] {"agent", "customer"}) {
            String label = "principal=\"" + principal + "\"";
            assertThat(Prometheus.value(after, "deskframe_calls_turn_credentials_total", label)).as(principal)
                    .isEqualTo(Prometheus.value(before, "deskframe_calls_turn_credentials_total", label) + 1);
        }
    }

    static void report(AgentDesk desk, String call, String candidateType, boolean relayed) {
        assertThat(text(desk.command("op", "call_report", "call", call, "quality", Map.of("bytesReceived", 1000,
                "packetsReceived", 10, "packetsLost", 0, "jitter", 0.001, "roundTripTime", 0.002,
                "candidateType", candidateType, "relayed", relayed)), "op")).isEqualTo("call");
    }

    /** The gauge as a scrape reads it right after its reading (which runs every 5 s on its own). */
    static void assertLive(ServerInstance s, int ringing, int connected, int held) {
        s.bean(CallMetrics.class).readLive();
        String text = Prometheus.scrape(s.http());
        assertThat(Prometheus.value(text, "deskframe_calls_live", "state=\"ringing\"")).as("ringing").isEqualTo(ringing);
        assertThat(Prometheus.value(text, "deskframe_calls_live", "state=\"connected\"")).as("connected").isEqualTo(connected);
        assertThat(Prometheus.value(text, "deskframe_calls_live", "state=\"held\"")).as("held").isEqualTo(held);
    }

    /** Calls of earlier tests have ended (their sides' sessions closed; the timers end them within the re-attach timeout). */
    static void awaitNoLiveCalls(ServerInstance s) {
        await().atMost(Duration.ofSeconds(20)).until(() -> s.bean(CallLedger.class).liveByState().isEmpty());
    }

    static Agent newAgent(ServerInstance s) {
        String id = RoutingFixture.unique("cm");
        return s.bean(AgentDirectory.class).create(new AgentDirectory.NewAgent(id, "demo", id, id + "@demo.example",
                "Agent " + id, null, Set.of("agent"), true));
    }

    static AgentDesk phone(ServerInstance s, Agent agent) {
        StreamClient c = StreamClient.connect(s.base());
        c.authenticate(s.http().agentToken("demo-backend", agent.username(), "voice"), "voice");
        return new AgentDesk(c);
    }

    /** a calls b and b's phone rings: the call id. */
    static String ring(AgentDesk a, Agent b, AgentDesk bDesk) {
        JsonNode ringing = a.command("op", "call_invite", "agent", b.id(), "media", "audio");
        assertCall(ringing, "ringing");
        callPush(bDesk, "ringing");
        return text(ringing, "call", "id");
    }

    static String connect(AgentDesk a, Agent b, AgentDesk bDesk) {
        String call = ring(a, b, bDesk);
        assertCall(bDesk.command("op", "call_accept", "call", call), "connected");
        callPush(a, "connected");
        return call;
    }

    static JsonNode callPush(AgentDesk d, String state) {
        return d.next(f -> "call".equals(text(f, "op")) && text(f, "id") == null && state.equals(text(f, "call", "state")),
                Duration.ofSeconds(15));
    }

    static void assertCall(JsonNode reply, String state) {
        assertThat(text(reply, "op")).as(reply.toString()).isEqualTo("call");
        assertThat(text(reply, "call", "state")).as(reply.toString()).isEqualTo(state);
    }

    static String text(JsonNode f, String... path) {
        JsonNode n = f;
        for (String p : path) n = n == null ? null : n.get(p);
        return n == null || n.isNull() ? null : n.asString();
    }
}
