package org.deskframe.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A restart with calls connected (the embedded H2 file database): a call whose sides re-attach goes on, gets its
 * signals replayed and is hung up; a call nobody comes back to is ended peer_gone by the timers of the restarted node,
 * from what the database holds. Both records are complete afterwards.
 */
class CallRestartIntegrationTests {

    @Test
    void callsConnectedAcrossARestartAreCompletedAfterIt() throws Exception {
        try (ServerInstance server = new ServerInstance(Files.createTempDirectory("deskframe-calls-restart"), Map.of(
                "deskframe.calls.reattach-timeout", "20s", "deskframe.calls.sweep-interval", "200ms"))) {
            server.start();
            Agent a = agent(server), b = agent(server), c = agent(server), d = agent(server);
            String kept, abandoned;
            try (AgentDesk aDesk = phone(server, a); AgentDesk bDesk = phone(server, b);
                 AgentDesk cDesk = phone(server, c); AgentDesk dDesk = phone(server, d)) {
                kept = CallSignallingIntegrationTests.connect(aDesk, b, bDesk);
                abandoned = CallSignallingIntegrationTests.connect(cDesk, d, dDesk);
                aDesk.sendFrame("op", "call_signal", "call", kept, "sdp", Map.of("type", "offer", "sdp", "v=0"));
                assertThat(bDesk.nextOp("call_signal").get("seq").asLong()).isEqualTo(1L);
            }
            server.restart();
            try (AgentDesk aDesk = phone(server, a); AgentDesk bDesk = phone(server, b)) {
                // Each side's new session is told the call, re-attaches, and b gets the offer it names as not processed.
                assertThat(CallSignallingIntegrationTests.text(CallSignallingIntegrationTests.callPush(aDesk, "connected"), "call", "id")).isEqualTo(kept);
                CallSignallingIntegrationTests.assertCall(aDesk.command("op", "call_attach", "call", kept, "after", 0), "connected");
                CallSignallingIntegrationTests.assertCall(bDesk.command("op", "call_attach", "call", kept, "after", 0), "connected");
                JsonNode replayed = bDesk.nextOp("call_signal");
                assertThat(replayed.get("seq").asLong()).isEqualTo(1L);
                assertThat(CallSignallingIntegrationTests.text(replayed, "sdp", "type")).isEqualTo("offer");
                JsonNode ended = bDesk.command("op", "call_hangup", "call", kept);
                assertThat(CallSignallingIntegrationTests.text(ended, "call", "endReason")).isEqualTo("hangup");
            }
            TestClient http = server.http();
            String admin = http.clientToken("demo-admin", "admin");
            JsonNode keptRecord = http.get("/api/v2/admin/orgs/demo/calls/" + kept, admin).json();
            assertThat(CallSignallingIntegrationTests.text(keptRecord, "state")).isEqualTo("ended");
            assertThat(CallSignallingIntegrationTests.text(keptRecord, "endedBy", "id")).isEqualTo(b.id());
            // Nobody came back to the other call: it ends peer_gone once the re-attach timeout has run.
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            JsonNode record;
            do {
                Thread.sleep(250);
                record = http.get("/api/v2/admin/orgs/demo/calls/" + abandoned, admin).json();
            } while (!"ended".equals(CallSignallingIntegrationTests.text(record, "state")) && System.nanoTime() < deadline);
            assertThat(CallSignallingIntegrationTests.text(record, "state")).as(record.toString()).isEqualTo("ended");
            assertThat(CallSignallingIntegrationTests.text(record, "endReason")).isEqualTo("peer_gone");
            assertThat(CallSignallingIntegrationTests.text(record, "endCode")).isEqualTo("call.peer_gone");
            assertThat(record.get("endedAt")).isNotNull();
            assertThat(record.get("durationSeconds").asLong()).isGreaterThanOrEqualTo(0);
        }
    }

    static Agent agent(ServerInstance server) {
        String id = RoutingFixture.unique("cr");
        return server.bean(AgentDirectory.class).create(new AgentDirectory.NewAgent(id, "demo", id, id + "@demo.example",
                "Agent " + id, null, Set.of("agent"), true));
    }

    static AgentDesk phone(ServerInstance server, Agent agent) {
        StreamClient c = StreamClient.connect(server.base());
        c.authenticate(server.http().agentToken("demo-backend", agent.username(), "voice"), "voice");
        return new AgentDesk(c);
    }
}
