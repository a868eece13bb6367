package org.deskframe.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.routing.AgentDesk;
import org.deskframe.routing.RoutingFixture;
import org.deskframe.testing.ClusterDeployment;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Calls between two nodes over one PostgreSQL schema and a redis-server of this test's own: the caller on one node,
 * the callee on the other; ringing, answers and signals cross over Redis to the right widget and session, and of the
 * two nodes' timers exactly one ends a call whose side is gone.
 */
class CallClusterIntegrationTests {

    static ClusterDeployment<ServerInstance> deployment;
    static ServerInstance nodeA;
    static ServerInstance nodeB;

    @BeforeAll
    static void start() throws Exception {
        deployment = ClusterDeployment.of("deskframe_calls_cluster", 2).withRedis()
                .property("deskframe.calls.reattach-timeout", "1s")
                .property("deskframe.calls.sweep-interval", "50ms")
                .inProcess();
        nodeA = deployment.node(0);
        nodeB = deployment.node(1);
    }

    @AfterAll
    static void stop() throws Exception {
        if (deployment != null) deployment.close();
    }

    static Agent agent() {
        String id = RoutingFixture.unique("cc");
        return nodeA.bean(AgentDirectory.class).create(new AgentDirectory.NewAgent(id, "demo", id, id + "@demo.example",
                "Agent " + id, null, Set.of("agent"), true));
    }

    static AgentDesk phone(ServerInstance node, Agent agent) {
        StreamClient c = StreamClient.connect(node.base());
        c.authenticate(nodeA.http().agentToken("demo-backend", agent.username(), "voice"), "voice");
        return new AgentDesk(c);
    }

    /** Invites until the callee's presence has reached the caller's node (a round trip to Redis). */
    static JsonNode invite(AgentDesk from, Agent to) throws InterruptedException {
        for (int i = 0; ; i++) {
            JsonNode r = from.command("op", "call_invite", "agent", to.id(), "media", "audio");
            if (!"call.callee_offline".equals(CallSignallingIntegrationTests.text(r, "code")) || i == 40) return r;
            Thread.sleep(50);
        }
    }

    @Test
    void whenCallerAndCalleeAreOnDifferentNodesThenRingingAnswersAndSignalsCrossOver() throws Exception {
        Agent a = agent(), b = agent();
        try (AgentDesk aDesk = phone(nodeA, a); AgentDesk bDesk = phone(nodeB, b)) {
            JsonNode ringing = invite(aDesk, b);
            CallSignallingIntegrationTests.assertCall(ringing, "ringing");
            String call = CallSignallingIntegrationTests.text(ringing, "call", "id");
            CallSignallingIntegrationTests.callPush(bDesk, "ringing");
            CallSignallingIntegrationTests.assertCall(bDesk.command("op", "call_accept", "call", call), "connected");
            CallSignallingIntegrationTests.callPush(aDesk, "connected");
            aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0"));
            for (int i = 0; i < 10; i++) {
                aDesk.sendFrame("op", "call_signal", "call", call, "candidate", Map.of("candidate", "candidate:" + i + " 1 udp 1 127.0.0.1 " + (40000 + i) + " typ host", "sdpMid", "0", "sdpMLineIndex", 0));
            }
            bDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "answer", "sdp", "v=0"));
            List<Long> seqs = new ArrayList<>();
            for (int i = 0; i < 11; i++) seqs.add(bDesk.nextOp("call_signal").get("seq").asLong());
            assertThat(seqs).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L);
            assertThat(CallSignallingIntegrationTests.text(aDesk.nextOp("call_signal"), "sdp", "type")).isEqualTo("answer");
            JsonNode ended = bDesk.command("op", "call_hangup", "call", call);
            CallSignallingIntegrationTests.assertCall(ended, "ended");
            assertThat(CallSignallingIntegrationTests.text(CallSignallingIntegrationTests.callPush(aDesk, "ended"), "call", "endedBy", "id")).isEqualTo(b.id());
        }
    }

    @Test
    void whenASideIsGoneThenOnlyOneOfTheTwoNodesEndsTheCall() throws Exception {
        for (int round = 0; round < 3; round++) {
            Agent a = agent(), b = agent();
            try (AgentDesk aDesk = phone(nodeA, a); AgentDesk bDesk = phone(nodeB, b)) {
                JsonNode ringing = invite(aDesk, b);
                String call = CallSignallingIntegrationTests.text(ringing, "call", "id");
                CallSignallingIntegrationTests.callPush(bDesk, "ringing");
                CallSignallingIntegrationTests.assertCall(bDesk.command("op", "call_accept", "call", call), "connected");
                bDesk.abort();
                JsonNode ended = CallSignallingIntegrationTests.callPush(aDesk, "ended");
                assertThat(CallSignallingIntegrationTests.text(ended, "call", "endReason")).isEqualTo("peer_gone");
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> CallSignallingIntegrationTests.callPushWithin(aDesk, "ended", Duration.ofMillis(500)))
                        .as("one end, told once").isInstanceOf(AssertionError.class);
                List<String> states = nodeA.bean(JdbcClient.class).sql("select state from call_events where call_id = ? order by seq")
                        .param(call).query(String.class).list();
                assertThat(states).containsExactly("ringing", "connected", "ended");
            }
        }
    }
}
