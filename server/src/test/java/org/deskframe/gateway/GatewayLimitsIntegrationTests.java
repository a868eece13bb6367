package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Limits and timers on a server of its own with tight settings (1 s heartbeat, low rates, 2 connections per agent):
 * each exceeded limit is a catalogue code and a close code, never a crash or a bare close.
 */
class GatewayLimitsIntegrationTests {

    static ServerInstance server;
    static TestClient http;
    static final String RW = "messaging:read messaging:write";

    @BeforeAll
    static void start() throws Exception {
        Path dir = Files.createTempDirectory("deskframe-limits");
        server = new ServerInstance(dir, Map.of(
                "deskframe.gateway.heartbeat", "1s",
                "deskframe.gateway.frames-per-second", "20",
                "deskframe.gateway.max-connections-per-agent", "2",
                "deskframe.gateway.expiry-warning", "60s",
                "deskframe.gateway.expiry-grace", "1s",
                "deskframe.demo.enabled", "true")).start();
        http = server.http();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void whenPeerStopsAnsweringPingsThenHeartbeatTimeout() {
        try (StreamClient ws = StreamClient.connectWithoutPongs(server.base())) {
            ws.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(6));
            assertThat(error.get("code").asString()).isEqualTo("heartbeat.timeout");
            assertThat(error.get("action").asString()).isEqualTo("reconnect");
            assertThat(ws.closeCode()).isEqualTo(4002);
        }
    }

    @Test
    void aPeerAnsweringEveryPingWithABarePongStaysOpenPastTwiceTheHeartbeat() {
        try (StreamClient ws = StreamClient.connect(server.base())) {
            ws.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            // Heartbeat 1 s: silence would close it after 2 s. The pongs are answered on the I/O thread (StreamChannel).
            for (int i = 0; i < 4; i++) {
                JsonNode ping = ws.next(f -> "ping".equals(f.get("op").asString()), Duration.ofSeconds(3));
                assertThat(ping.get("op").asString()).isEqualTo("ping");
            }
            assertThat(ws.isClosed()).as("closed with %s", ws.isClosed() ? ws.closeReason() : "").isFalse();
            // And the session still serves ops after the pongs took the short path.
            ws.sendFrame("op", "refresh", "id", "r1", "token", http.agentToken("demo-backend", "agent1", RW));
            assertThat(ws.next(f -> "r1".equals(f.path("id").asString()), Duration.ofSeconds(10)).get("op").asString())
                    .isEqualTo("refreshed");
        }
    }

    @Test
    void aVoiceSessionRefusedForTheConnectionLimitLeavesTheAgentUnreachableForCalls() {
        String calls = RW + " voice";
        String agent2 = http.agentToken("demo-backend", "agent2", calls);
        List<StreamClient> open = new ArrayList<>();
        try {
            String agent2Id = null;
            for (int i = 0; i < 2; i++) {
                StreamClient ws = StreamClient.connect(server.base());
                open.add(ws);
                agent2Id = ws.authenticate(agent2, "messaging").get("agent").get("id").asString();
            }
            StreamClient voice = StreamClient.connect(server.base());
            open.add(voice);
            voice.sendFrame("op", "authenticate", "token", agent2, "widget", "voice");
            assertThat(voice.next().get("code").asString()).isEqualTo("rate.limited");
            assertThat(voice.closeCode()).isEqualTo(4029);

            // agent1 has a connection of its own to spare (the limit is per agent): its call finds no voice widget.
            StreamClient caller = StreamClient.connect(server.base());
            open.add(caller);
            caller.authenticate(http.agentToken("demo-backend", "agent1", calls), "voice");
            caller.sendFrame("op", "call_invite", "id", "ci", "agent", agent2Id, "media", "audio");
            JsonNode refused = caller.next(f -> "ci".equals(f.path("id").asString()), Duration.ofSeconds(5));
            assertThat(refused.get("code").asString()).as(refused.toString()).isEqualTo("call.callee_offline");
        } finally {
            open.forEach(StreamClient::close);
        }
    }

    @Test
    void whenAgentOpensMoreConnectionsThanAllowedThenRateLimited() {
        String token = http.agentToken("demo-backend", "agent2", RW);
        List<StreamClient> open = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                StreamClient ws = StreamClient.connect(server.base());
                open.add(ws);
                ws.authenticate(token, "messaging");
            }
            StreamClient third = StreamClient.connect(server.base());
            open.add(third);
            third.sendFrame("op", "authenticate", "token", token, "widget", "messaging");
            JsonNode error = third.next();
            assertThat(error.get("code").asString()).isEqualTo("rate.limited");
            assertThat(error.get("message").asString()).contains("2 open connections per agent");
            assertThat(third.closeCode()).isEqualTo(4029);
        } finally {
            open.forEach(StreamClient::close);
        }
    }

    @Test
    void whenClientFloodsFramesThenExtraFramesAreRefusedThenTheFloodIsDisconnected() {
        try (StreamClient ws = StreamClient.connect(server.base())) {
            ws.authenticate(http.agentToken("demo-backend", "agent1", RW), "messaging");
            for (int i = 0; i < 200 && !ws.isClosed(); i++) {
                try {
                    ws.send("{\"op\":\"pong\"}");
                } catch (RuntimeException closedMeanwhile) {
                    break;
                }
            }
            JsonNode limited = ws.nextOp("error");
            assertThat(limited.get("code").asString()).isEqualTo("rate.limited");
            assertThat(limited.get("message").asString()).contains("20 frames per second");
            assertThat(ws.closeCode()).isEqualTo(4029);
        }
    }

    @Test
    void whenTokenNearsExpiryThenWarnedThenClosedWithTokenExpiredAfterGrace() {
        server.bean(ClientDirectory.class).register(new ClientDirectory.ClientRegistration("short-lived", "demo", "Short-lived tokens",
                "short-lived-secret-0123456789abcdef", true, Set.of("client_secret_basic"),
                Set.of("urn:ietf:params:oauth:grant-type:jwt-bearer"), Set.of(), Set.of("messaging:read", "messaging:write"),
                Set.of(), Set.of("embed"), null, Duration.ofSeconds(3), Duration.ofHours(1), true));
        String token = http.agentToken("short-lived", "agent1", RW);
        try (StreamClient ws = StreamClient.connect(server.base())) {
            ws.authenticate(token, "messaging");
            JsonNode expiring = ws.nextOp("token_expiring");
            assertThat(expiring.get("in").asLong()).isBetween(0L, 3L);
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(8));
            assertThat(error.get("code").asString()).isEqualTo("token.expired");
            assertThat(error.get("action").asString()).isEqualTo("new_token");
            assertThat(ws.closeCode()).isEqualTo(4101);
        }
    }

    @Test
    void tokenExpiringIsPushedOnceSixtySecondsAheadAndAgainOnlyForTheNextToken() {
        server.bean(ClientDirectory.class).register(new ClientDirectory.ClientRegistration("minute-tokens", "demo", "64 s tokens",
                "minute-tokens-secret-0123456789abcdef", true, Set.of("client_secret_basic"),
                Set.of("urn:ietf:params:oauth:grant-type:jwt-bearer"), Set.of(), Set.of("messaging:read", "messaging:write"),
                Set.of(), Set.of("embed"), null, Duration.ofSeconds(64), Duration.ofHours(1), true));
        java.util.function.Predicate<JsonNode> expiring = f -> "token_expiring".equals(f.get("op").asString());
        try (StreamClient ws = StreamClient.connect(server.base())) {
            ws.authenticate(http.agentToken("minute-tokens", "agent1", RW), "messaging");
            // 64 s left: not yet (the warning is due when 60 s are left, about 4 s from now).
            assertThat(ws.nextWithin(expiring, Duration.ofMillis(2_000))).isNull();
            JsonNode warning = ws.next(expiring, Duration.ofSeconds(10));
            assertThat(warning.get("in").asLong()).isBetween(57L, 60L);
            // Once per token, not on every sweep.
            assertThat(ws.nextWithin(expiring, Duration.ofSeconds(3))).isNull();

            // A refreshed token gets its own warning, 60 s before it expires.
            ws.sendFrame("op", "refresh", "id", "r1", "token", http.agentToken("minute-tokens", "agent1", RW));
            assertThat(ws.nextOp("refreshed").get("id").asString()).isEqualTo("r1");
            assertThat(ws.nextWithin(expiring, Duration.ofMillis(2_000))).isNull();
            assertThat(ws.next(expiring, Duration.ofSeconds(10)).get("in").asLong()).isBetween(57L, 60L);
            assertThat(ws.nextWithin(expiring, Duration.ofSeconds(2))).isNull();
        }
    }

    @Test
    void whenAgentIsDisabledThenItsLiveSessionsCloseWithAgentDisabled() {
        AgentDirectory agents = server.bean(AgentDirectory.class);
        agents.create(new AgentDirectory.NewAgent("to-disable", "demo", "to-disable", null, "Soon disabled", null, Set.of("agent"), true));
        try (StreamClient ws = StreamClient.connect(server.base())) {
            ws.authenticate(http.agentToken("demo-backend", "to-disable", RW), "messaging");
            agents.update("to-disable", new AgentDirectory.AgentChange(null, null, null, false));
            JsonNode error = ws.next(f -> "error".equals(f.get("op").asString()), Duration.ofSeconds(3));
            assertThat(error.get("code").asString()).isEqualTo("agent.disabled");
            assertThat(ws.closeCode()).isEqualTo(4309);
        }
    }
}
