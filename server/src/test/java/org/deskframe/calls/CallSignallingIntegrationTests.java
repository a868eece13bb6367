package org.deskframe.calls;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.messaging.AttachmentFixture;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
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
 * Call signalling over the real gateway (docs/protocol.md, call_invite .. call_report): agents' voice and video
 * widget sessions ring, answer, relay SDP and candidates in order, hold, mute, hang up, re-attach after a dropped
 * socket, and the timers end calls nobody answers or whose side is gone. Short timeouts (ring 3 s, re-attach 2 s).
 */
class CallSignallingIntegrationTests {

    static ServerInstance server;
    static TestClient http;

    @BeforeAll
    static void start() throws Exception {
        startWith(Map.of());
    }

    static void startWith(Map<String, Object> database) throws Exception {
        Map<String, Object> p = new java.util.LinkedHashMap<>(properties());
        p.putAll(database);
        server = new ServerInstance(Files.createTempDirectory("deskframe-calls"), p).start();
        http = server.http();
    }

    static Map<String, Object> properties() {
        return Map.of("deskframe.calls.ring-timeout", "3s", "deskframe.calls.reattach-timeout", "2s",
                "deskframe.calls.sweep-interval", "100ms", "deskframe.identity.bootstrap-admin-client-id", "deskframe-admin",
                "deskframe.identity.bootstrap-admin-client-secret", Prometheus.ADMIN_SECRET);
    }

    @AfterAll
    static void stop() {
        if (server != null) server.close();
    }

    static Agent newAgent() {
        String id = RoutingFixture.unique("ca");
        return server.bean(AgentDirectory.class).create(new AgentDirectory.NewAgent(id, "demo", id, id + "@demo.example",
                "Agent " + id, null, Set.of("agent"), true));
    }

    static AgentDesk phone(Agent agent, String widget) {
        StreamClient c = StreamClient.connect(server.base());
        c.authenticate(http.agentToken("demo-backend", agent.username(), "voice video messaging:read messaging:write"), widget);
        return new AgentDesk(c);
    }

    static AgentDesk phone(Agent agent) {
        return phone(agent, "voice");
    }

    static String text(JsonNode f, String... path) {
        JsonNode n = f;
        for (String p : path) {
            n = n == null ? null : n.get(p);
        }
        return n == null || n.isNull() ? null : n.asString();
    }

    static JsonNode callPush(AgentDesk d, String state) {
        return callPushWithin(d, state, Duration.ofSeconds(10));
    }

    static JsonNode callPushWithin(AgentDesk d, String state, Duration within) {
        return d.next(f -> "call".equals(text(f, "op")) && text(f, "id") == null && state.equals(text(f, "call", "state")), within);
    }

    static void assertCall(JsonNode reply, String state) {
        assertThat(text(reply, "op")).as(reply.toString()).isEqualTo("call");
        assertThat(text(reply, "call", "state")).as(reply.toString()).isEqualTo(state);
    }

    static void assertError(JsonNode reply, String code) {
        assertThat(text(reply, "op")).as(reply.toString()).isEqualTo("error");
        assertThat(text(reply, "code")).as(reply.toString()).isEqualTo(code);
    }

    /** a calls b: the call id of the ringing reply (b's phone may not have rung yet). */
    static String invite(AgentDesk a, Agent b) {
        JsonNode ringing = a.command("op", "call_invite", "agent", b.id(), "media", "audio");
        assertCall(ringing, "ringing");
        return text(ringing, "call", "id");
    }

    /** a calls b and b's phone rings: the call id. */
    static String ring(AgentDesk a, Agent b, AgentDesk bDesk) {
        String call = invite(a, b);
        callPush(bDesk, "ringing");
        return call;
    }

    /** a calls b, b answers and a is told (on whichever server their sessions are): the call id. */
    static String connect(AgentDesk a, Agent b, AgentDesk bDesk) {
        String call = ring(a, b, bDesk);
        assertCall(bDesk.command("op", "call_accept", "call", call), "connected");
        callPush(a, "connected");
        return call;
    }

    @Test
    void aTokenRefreshedInPlaceDuringACallKeepsTheCallItsSignallingAndItsControls() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            String scopes = "voice video messaging:read messaging:write";
            // Both sides' tokens are refreshed on their sessions (as the token broker does before expiry), mid-call.
            assertThat(text(aDesk.command("op", "refresh", "token", http.agentToken("demo-backend", a.username(), scopes)), "op"))
                    .isEqualTo("refreshed");
            assertThat(text(bDesk.command("op", "refresh", "token", http.agentToken("demo-backend", b.username(), scopes)), "op"))
                    .isEqualTo("refreshed");
            // The same sessions still carry the call: signals relay, hold and hang-up work, nothing re-attached.
            aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0\r\n"), "restart", true);
            JsonNode relayed = bDesk.nextOp("call_signal");
            assertThat(text(relayed, "sdp", "type")).isEqualTo("offer");
            assertCall(bDesk.command("op", "call_hold", "call", call, "on", true), "held");
            callPush(aDesk, "held");
            JsonNode ended = aDesk.command("op", "call_hangup", "call", call);
            assertCall(ended, "ended");
            assertThat(text(ended, "call", "endReason")).isEqualTo("hangup");
            assertThat(text(callPush(bDesk, "ended"), "call", "endedBy", "id")).isEqualTo(a.id());
        }
    }

    @Test
    void whenAnAgentCallsAnotherThenTheCalleeRingsAndAnswersAndTheCallConnects() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b); AgentDesk bChat = phone(b, "messaging")) {
            JsonNode ringing = aDesk.command("op", "call_invite", "agent", b.id(), "media", "audio");
            assertCall(ringing, "ringing");
            assertThat(text(ringing, "call", "caller", "id")).isEqualTo(a.id());
            assertThat(text(ringing, "call", "callee", "id")).isEqualTo(b.id());
            assertThat(text(ringing, "call", "callee", "displayName")).isEqualTo("Agent " + b.id());
            assertThat(ringing.get("call").get("caller").get("attached").asBoolean()).isTrue();
            String call = text(ringing, "call", "id");
            JsonNode push = callPush(bDesk, "ringing");
            assertThat(text(push, "call", "id")).isEqualTo(call);
            // Only the widget that carries audio rings, not the agent's messaging tab.
            assertThat(bChat.pollOp("call", Duration.ofMillis(300))).isNull();

            JsonNode connected = bDesk.command("op", "call_accept", "call", call);
            assertCall(connected, "connected");
            assertThat(text(connected, "call", "answeredAt")).isNotNull();
            assertThat(connected.get("call").get("callee").get("attached").asBoolean()).isTrue();
            callPush(aDesk, "connected");
        }
    }

    @Test
    void whenBothSidesSignalThenSdpAndCandidatesAreRelayedInOrderWithGaplessSeqs() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n"));
            for (int i = 0; i < 5; i++) {
                aDesk.sendFrame("op", "call_signal", "call", call, "candidate",
                        Map.of("candidate", "candidate:" + i + " 1 udp 2122260223 127.0.0.1 " + (50000 + i) + " typ host", "sdpMid", "0", "sdpMLineIndex", 0));
            }
            bDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "answer", "sdp", "v=0\r\n"));
            List<JsonNode> atB = new ArrayList<>();
            for (int i = 0; i < 6; i++) atB.add(bDesk.nextOp("call_signal"));
            assertThat(atB).extracting(f -> f.get("seq").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
            assertThat(text(atB.getFirst(), "sdp", "type")).isEqualTo("offer");
            assertThat(text(atB.getFirst(), "sdp", "sdp")).isEqualTo("v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n");
            assertThat(text(atB.getFirst(), "from", "id")).isEqualTo(a.id());
            assertThat(atB.subList(1, 6)).extracting(f -> text(f, "candidate", "candidate"))
                    .allSatisfy(c -> assertThat(c).startsWith("candidate:"))
                    .extracting(c -> c.substring(10, 11)).containsExactly("0", "1", "2", "3", "4");
            JsonNode atA = aDesk.nextOp("call_signal");
            assertThat(atA.get("seq").asLong()).as("numbered per recipient").isEqualTo(1L);
            assertThat(text(atA, "sdp", "type")).isEqualTo("answer");

            // An ICE restart offer keeps its mark.
            aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0\r\n"), "restart", true);
            JsonNode restart = bDesk.nextOp("call_signal");
            assertThat(restart.get("seq").asLong()).isEqualTo(7L);
            assertThat(restart.get("restart").asBoolean()).isTrue();
        }
    }

    @Test
    void whenEitherSideHangsUpThenTheCallEndsWithWhoAndWhyOnBothSides() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            JsonNode ended = bDesk.command("op", "call_hangup", "call", call);
            assertCall(ended, "ended");
            assertThat(text(ended, "call", "endReason")).isEqualTo("hangup");
            assertThat(ended.get("call").get("endCode")).isNull();
            assertThat(text(ended, "call", "endedBy", "id")).isEqualTo(b.id());
            assertThat(ended.get("call").get("durationSeconds").asLong()).isGreaterThanOrEqualTo(0);
            JsonNode atA = callPush(aDesk, "ended");
            assertThat(text(atA, "call", "endedBy", "id")).isEqualTo(b.id());
            // An ended call takes no more commands.
            assertError(aDesk.command("op", "call_hangup", "call", call), "call.state_invalid");

            String second = connect(aDesk, b, bDesk);
            JsonNode failed = aDesk.command("op", "call_hangup", "call", second, "reason", "call.ice_failed");
            assertThat(text(failed, "call", "endReason")).isEqualTo("failed");
            assertThat(text(failed, "call", "endCode")).isEqualTo("call.ice_failed");
            assertThat(text(callPush(bDesk, "ended"), "call", "endCode")).isEqualTo("call.ice_failed");
            assertError(aDesk.command("op", "call_hangup", "call", second, "reason", "bored"), "request.invalid");
        }
    }

    @Test
    void whenTheCallerHangsUpARingingCallThenItIsCancelled() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = ring(aDesk, b, bDesk);
            assertThat(text(aDesk.command("op", "call_hangup", "call", call), "call", "endReason")).isEqualTo("hangup");
            callPush(bDesk, "ended");
            assertError(bDesk.command("op", "call_accept", "call", call), "call.state_invalid");
        }
    }

    @Test
    void whenTheCalleeDeclinesThenTheCallerIsToldDeclined() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = ring(aDesk, b, bDesk);
            JsonNode declined = bDesk.command("op", "call_decline", "call", call);
            assertThat(text(declined, "call", "endReason")).isEqualTo("declined");
            assertThat(text(declined, "call", "endCode")).isEqualTo("call.declined");
            JsonNode atA = callPush(aDesk, "ended");
            assertThat(text(atA, "call", "endReason")).isEqualTo("declined");
            assertThat(text(atA, "call", "endedBy", "id")).isEqualTo(b.id());
        }
    }

    @Test
    void whenTheCalleeHasNoVoiceWidgetOpenThenTheInviteIsRefusedOffline() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bChat = phone(b, "messaging")) {
            JsonNode refused = aDesk.command("op", "call_invite", "agent", b.id(), "media", "audio");
            assertError(refused, "call.callee_offline");
            assertThat(text(refused, "message")).contains(b.id()).contains("voice");
            // A video call needs the video widget: b's voice widget does not carry it.
            try (AgentDesk bVoice = phone(b); AgentDesk aVideo = phone(a, "video")) {
                JsonNode noVideo = aVideo.command("op", "call_invite", "agent", b.id(), "media", "video");
                assertError(noVideo, "call.callee_offline");
                assertThat(text(noVideo, "message")).contains("video");
                // And a video call is placed from the video widget, not the voice one.
                assertError(aDesk.command("op", "call_invite", "agent", b.id(), "media", "video"), "request.invalid");
            }
            assertError(aDesk.command("op", "call_invite", "agent", "no-such-agent", "media", "audio"), "call.callee_offline");
        }
    }

    @Test
    void whenTheCalleeIsOnAnotherCallThenTheInviteIsRefusedBusy() {
        Agent a = newAgent(), b = newAgent(), c = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b); AgentDesk cDesk = phone(c)) {
            String call = connect(aDesk, b, bDesk);
            JsonNode busy = cDesk.command("op", "call_invite", "agent", b.id(), "media", "audio");
            assertError(busy, "call.callee_busy");
            assertThat(text(busy, "message")).contains(call);
        }
    }

    @Test
    void whenTwoCallersInviteTheSameCalleeAtOnceThenOneRingsAndTheOtherIsBusy() {
        for (int round = 0; round < 5; round++) {
            Agent a = newAgent(), b = newAgent(), callee = newAgent();
            try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b); AgentDesk calleeDesk = phone(callee)) {
                aDesk.sendFrame("op", "call_invite", "id", "race-a", "agent", callee.id(), "media", "audio");
                bDesk.sendFrame("op", "call_invite", "id", "race-b", "agent", callee.id(), "media", "audio");
                JsonNode ra = aDesk.next(f -> "race-a".equals(text(f, "id")), Duration.ofSeconds(10));
                JsonNode rb = bDesk.next(f -> "race-b".equals(text(f, "id")), Duration.ofSeconds(10));
                List<String> outcomes = new ArrayList<>(List.of(
                        "call".equals(text(ra, "op")) ? text(ra, "call", "state") : text(ra, "code"),
                        "call".equals(text(rb, "op")) ? text(rb, "call", "state") : text(rb, "code")));
                assertThat(outcomes).as(ra + " / " + rb).containsExactlyInAnyOrder("ringing", "call.callee_busy");
            }
        }
    }

    @Test
    void whenSomeoneElseActsOnACallThenItIsNotAParticipantAndAnUnknownCallIsNotFound() {
        Agent a = newAgent(), b = newAgent(), c = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b); AgentDesk cDesk = phone(c)) {
            String call = ring(aDesk, b, bDesk);
            assertError(cDesk.command("op", "call_accept", "call", call), "call.not_participant");
            assertError(cDesk.command("op", "call_hangup", "call", call), "call.not_participant");
            assertError(cDesk.command("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0")), "call.not_participant");
            assertError(cDesk.command("op", "call_accept", "call", "call_nope"), "call.not_found");
            // Signals before the call is answered are refused (nobody carries the callee's side yet).
            assertError(aDesk.command("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0")), "call.state_invalid");
        }
    }

    @Test
    void whenASecondTabAcceptsThenItIsStateInvalid() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bTab1 = phone(b); AgentDesk bTab2 = phone(b)) {
            String call = ring(aDesk, b, bTab1);
            callPush(bTab2, "ringing");
            assertCall(bTab1.command("op", "call_accept", "call", call), "connected");
            JsonNode second = bTab2.command("op", "call_accept", "call", call);
            assertError(second, "call.state_invalid");
            assertThat(text(second, "message")).contains("connected");
            // The other tab learns the call was answered elsewhere.
            callPush(bTab2, "connected");
        }
    }

    @Test
    void whenAConnectedCallIsHeldResumedAndMutedThenBothSidesSeeIt() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            assertCall(aDesk.command("op", "call_hold", "call", call, "on", true), "held");
            callPush(bDesk, "held");
            assertError(bDesk.command("op", "call_hold", "call", call, "on", true), "call.state_invalid");
            assertCall(bDesk.command("op", "call_hold", "call", call, "on", false), "connected");
            callPush(aDesk, "connected");

            JsonNode muted = bDesk.command("op", "call_mute", "call", call, "on", true);
            assertThat(muted.get("call").get("callee").get("muted").asBoolean()).isTrue();
            assertThat(muted.get("call").get("caller").get("muted").asBoolean()).isFalse();
            JsonNode atA = callPush(aDesk, "connected");
            assertThat(atA.get("call").get("callee").get("muted").asBoolean()).isTrue();
        }
    }

    @Test
    void whenTwoAgentsCallEachOtherAtOnceThenTheSecondInviteAnswersTheFirst() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = ring(aDesk, b, bDesk);
            JsonNode crossing = bDesk.command("op", "call_invite", "agent", a.id(), "media", "audio");
            assertCall(crossing, "connected");
            assertThat(text(crossing, "call", "id")).isEqualTo(call);
            assertThat(text(crossing, "call", "caller", "id")).isEqualTo(a.id());
            callPush(aDesk, "connected");
        }
    }

    @Test
    void whenNobodyAnswersThenTheCallEndsNoAnswerAfterTheRingTimeout() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = ring(aDesk, b, bDesk);
            JsonNode atA = callPush(aDesk, "ended");
            assertThat(text(atA, "call", "id")).isEqualTo(call);
            assertThat(text(atA, "call", "endReason")).isEqualTo("no_answer");
            assertThat(text(atA, "call", "endCode")).isEqualTo("call.no_answer");
            assertThat(text(callPush(bDesk, "ended"), "call", "endReason")).isEqualTo("no_answer");
        }
    }

    @Test
    void whenATokenLacksVoiceThenTheVoiceWidgetIsRefusedAndOtherWidgetsStillWork() {
        Agent a = newAgent();
        try (StreamClient c = StreamClient.connect(server.base()); StreamClient chat = StreamClient.connect(server.base())) {
            String token = http.agentToken("demo-backend", a.username(), "messaging:read messaging:write");
            c.sendFrame("op", "authenticate", "id", "auth-1", "token", token, "widget", "voice");
            JsonNode refused = c.next();
            assertError(refused, "token.scope_missing");
            assertThat(text(refused, "message")).contains("voice");
            chat.authenticate(token, "messaging");
        }
        // A voice token cannot place a video call on the video widget either.
        try (StreamClient c = StreamClient.connect(server.base())) {
            c.authenticate(http.agentToken("demo-backend", a.username(), "voice"), "voice");
            c.sendFrame("op", "call_invite", "id", "v1", "agent", "agent2", "media", "video");
            assertError(c.next(), "token.scope_missing");
        }
    }

    @Test
    void whenASocketDropsThenANewSessionAttachesGetsTheSignalsItMissedAndCanHangUp() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0"));
            assertThat(bDesk.nextOp("call_signal").get("seq").asLong()).isEqualTo(1L);
            bDesk.abort();
            JsonNode detached = callPush(aDesk, "connected");
            assertThat(detached.get("call").get("callee").get("attached").asBoolean()).isFalse();
            // Sent while b is away: stored for b.
            aDesk.sendFrame("op", "call_signal", "call", call, "candidate", Map.of("candidate", "candidate:9 1 udp 1 127.0.0.1 5 typ host", "sdpMid", "0", "sdpMLineIndex", 0));
            aDesk.sendFrame("op", "call_signal", "call", call, "candidate", Map.of("candidate", "", "sdpMid", "0", "sdpMLineIndex", 0));

            try (AgentDesk bAgain = phone(b)) {
                JsonNode listed = callPush(bAgain, "connected");
                assertThat(text(listed, "call", "id")).as("a new session is told the calls not ended").isEqualTo(call);
                JsonNode attached = bAgain.command("op", "call_attach", "call", call, "after", 1);
                assertCall(attached, "connected");
                assertThat(attached.get("call").get("callee").get("attached").asBoolean()).isTrue();
                List<JsonNode> replay = List.of(bAgain.nextOp("call_signal"), bAgain.nextOp("call_signal"));
                assertThat(replay).extracting(f -> f.get("seq").asLong()).containsExactly(2L, 3L);
                assertThat(text(replay.getFirst(), "candidate", "candidate")).startsWith("candidate:9");
                assertThat(callPush(aDesk, "connected").get("call").get("callee").get("attached").asBoolean()).isTrue();
                // Live signals reach the new session.
                aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=1"));
                assertThat(bAgain.nextOp("call_signal").get("seq").asLong()).isEqualTo(4L);
                assertThat(text(bAgain.command("op", "call_hangup", "call", call), "call", "endedBy", "id")).isEqualTo(b.id());
                callPush(aDesk, "ended");
            }
        }
    }

    @Test
    void whenASideStaysGoneThenTheCallEndsPeerGoneOnTheOtherSide() {
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            bDesk.abort();
            JsonNode ended = callPush(aDesk, "ended");
            assertThat(text(ended, "call", "id")).isEqualTo(call);
            assertThat(text(ended, "call", "endReason")).isEqualTo("peer_gone");
            assertThat(text(ended, "call", "endCode")).isEqualTo("call.peer_gone");
        }
    }

    @Test
    void whenAParticipantReadsTheCallRecordThenItHasTheWholeCallAndOthersAreToldItDoesNotExist() {
        Agent a = newAgent(), b = newAgent(), c = newAgent();
        String call;
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            call = connect(aDesk, b, bDesk);
            aDesk.command("op", "call_report", "call", call, "quality", Map.of("bytesReceived", 48211, "packetsReceived", 512,
                    "packetsLost", 3, "jitter", 0.002, "roundTripTime", 0.001, "candidateType", "relay", "relayed", true));
            bDesk.command("op", "call_hangup", "call", call, "reason", "media.device_not_found");
            JsonNode lastReport = bDesk.command("op", "call_report", "call", call, "quality", Map.of("bytesReceived", 100,
                    "packetsReceived", 10, "packetsLost", 0, "jitter", 0.01, "roundTripTime", 0.02, "candidateType", "host", "relayed", false));
            assertCall(lastReport, "ended");
        }
        TestClient.Reply r = http.get("/api/v2/calls/" + call, http.agentToken("demo-backend", a.username(), "voice"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode rec = r.json();
        assertThat(text(rec, "id")).isEqualTo(call);
        assertThat(text(rec, "media")).isEqualTo("audio");
        assertThat(text(rec, "state")).isEqualTo("ended");
        assertThat(text(rec, "endReason")).isEqualTo("failed");
        assertThat(text(rec, "endCode")).isEqualTo("media.device_not_found");
        assertThat(text(rec, "endedBy", "id")).isEqualTo(b.id());
        assertThat(rec.get("startedAt")).isNotNull();
        assertThat(rec.get("answeredAt")).isNotNull();
        assertThat(rec.get("endedAt")).isNotNull();
        assertThat(rec.get("durationSeconds").asLong()).isGreaterThanOrEqualTo(0);
        assertThat(rec.get("participants").valueStream().map(p -> text(p, "role") + ":" + text(p, "id")).toList())
                .containsExactly("caller:" + a.id(), "callee:" + b.id());
        assertThat(rec.get("quality").valueStream().map(q -> text(q, "by", "id") + ":" + q.get("packetsLost").asLong()
                + ":" + q.get("relayed").asBoolean()).toList()).containsExactlyInAnyOrder(a.id() + ":3:true", b.id() + ":0:false");
        assertThat(rec.get("events").valueStream().map(e -> text(e, "state")).toList()).containsExactly("ringing", "connected", "ended");
        assertThat(text(rec.get("events").get(2), "reason")).isEqualTo("media.device_not_found");

        TestClient.Reply other = http.get("/api/v2/calls/" + call, http.agentToken("demo-backend", c.username(), "voice"));
        assertThat(other.status()).isEqualTo(404);
        assertThat(text(other.json(), "code")).isEqualTo("resource.not_found");
        assertThat(http.get("/api/v2/calls/call_unknown", http.agentToken("demo-backend", a.username(), "voice")).status()).isEqualTo(404);
        TestClient.Reply noScope = http.get("/api/v2/calls/" + call, http.agentToken("demo-backend", a.username(), "messaging:read"));
        assertThat(text(noScope.json(), "code")).isEqualTo("token.scope_missing");

        // The admin API lists it among the organisation's calls and reads it; another organisation's admin does not see it.
        String admin = http.clientToken("demo-admin", "admin");
        TestClient.Reply listed = http.get("/api/v2/admin/orgs/demo/calls?limit=200", admin);
        assertThat(listed.status()).as(listed.body()).isEqualTo(200);
        assertThat(listed.json().get("calls").valueStream().map(x -> text(x, "id")).toList()).contains(call);
        TestClient.Reply one = http.get("/api/v2/admin/orgs/demo/calls/" + call, admin);
        assertThat(one.status()).as(one.body()).isEqualTo(200);
        assertThat(text(one.json(), "endCode")).isEqualTo("media.device_not_found");
        assertThat(http.get("/api/v2/admin/orgs/demo/calls/call_unknown", admin).status()).isEqualTo(404);
        assertThat(http.get("/api/v2/admin/orgs/demo/calls?limit=0", admin).status()).isEqualTo(400);
    }

    @Test
    void whenACustomerCallsFromTheMessengerThenTheConversationsAgentRingsAndTheyTalk() {
        Agent agent = newAgent();
        AttachmentFixture.Chat chat = new AttachmentFixture(http, server.context()).chat(agent.username(), null, "Ada Lovelace");
        try (AgentDesk desk = phone(agent); StreamClient cs = StreamClient.connect(server.base(), server.base())) {
            customer(cs, chat);
            AgentDesk customer = new AgentDesk(cs);
            JsonNode ringing = customer.command("op", "call_invite", "conversation", chat.conversation(), "media", "audio");
            assertCall(ringing, "ringing");
            assertThat(text(ringing, "call", "caller", "kind")).isEqualTo("customer");
            assertThat(text(ringing, "call", "caller", "displayName")).isEqualTo("Ada Lovelace");
            assertThat(text(ringing, "call", "callee", "id")).isEqualTo(agent.id());
            assertThat(text(ringing, "call", "callee", "displayName")).isEqualTo("Agent " + agent.id());
            assertThat(text(ringing, "call", "conversation")).isEqualTo(chat.conversation());
            String call = text(ringing, "call", "id");
            // The agent's phone shows who calls by the name the customer gave.
            assertThat(text(callPush(desk, "ringing"), "call", "caller", "displayName")).isEqualTo("Ada Lovelace");
            assertCall(desk.command("op", "call_accept", "call", call), "connected");
            callPush(customer, "connected");
            desk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0"));
            assertThat(text(customer.nextOp("call_signal"), "from", "id")).isEqualTo(agent.id());
            // The customer reads its call's record with its guest token.
            TestClient.Reply r = http.get("/api/v2/calls/" + call, chat.guestToken());
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(text(r.json(), "conversation")).isEqualTo(chat.conversation());
            assertCall(customer.command("op", "call_hangup", "call", call), "ended");
            callPush(desk, "ended");
        }
    }

    @Test
    void whenACustomerCallsBeforeAnAgentHasTheConversationThenItWaitsInTheQueueAndRingsTheAssignedAgent() {
        Agent agent = newAgent();
        AttachmentFixture.Chat chat = new AttachmentFixture(http, server.context()).chat(null, null);
        try (AgentDesk desk = phone(agent); StreamClient cs = StreamClient.connect(server.base(), server.base())) {
            customer(cs, chat);
            AgentDesk customer = new AgentDesk(cs);
            JsonNode ringing = customer.command("op", "call_invite", "conversation", chat.conversation(), "media", "audio");
            assertCall(ringing, "ringing");
            assertThat(ringing.get("call").get("callee")).isNull();
            assertThat(text(ringing, "call", "queue")).isEqualTo("demo-support");
            // Routing assigns the conversation (as its accept does, through messaging): the call rings that agent.
            server.bean(Conversations.class).addParticipant(chat.conversation(), Participant.agent(agent.id()));
            JsonNode atAgent = callPush(desk, "ringing");
            assertThat(text(atAgent, "call", "callee", "id")).isEqualTo(agent.id());
            assertThat(text(callPush(customer, "ringing"), "call", "callee", "id")).isEqualTo(agent.id());
            assertCall(desk.command("op", "call_accept", "call", text(ringing, "call", "id")), "connected");
        }
    }

    @Test
    void whenTheConversationsAgentCallsItsCustomerThenTheMessengerRingsAndClosingTheConversationEndsTheCall() {
        Agent agent = newAgent();
        AttachmentFixture.Chat chat = new AttachmentFixture(http, server.context()).chat(agent.username(), null);
        try (AgentDesk desk = phone(agent, "video")) {
            // Not connected yet: the customer cannot be rung.
            JsonNode offline = desk.command("op", "call_invite", "conversation", chat.conversation(), "media", "video");
            assertError(offline, "call.callee_offline");
            assertThat(text(offline, "message")).contains("messenger");
            try (StreamClient cs = StreamClient.connect(server.base(), server.base())) {
                customer(cs, chat);
                AgentDesk customer = new AgentDesk(cs);
                JsonNode ringing = desk.command("op", "call_invite", "conversation", chat.conversation(), "media", "video");
                assertCall(ringing, "ringing");
                assertThat(text(ringing, "call", "callee", "kind")).isEqualTo("customer");
                String call = text(ringing, "call", "id");
                assertThat(text(callPush(customer, "ringing"), "call", "media")).isEqualTo("video");
                assertCall(customer.command("op", "call_accept", "call", call), "connected");
                callPush(desk, "connected");
                server.bean(Conversations.class).markClosed(chat.conversation());
                JsonNode ended = callPush(desk, "ended");
                assertThat(text(ended, "call", "endReason")).isEqualTo("conversation_closed");
                assertThat(text(ended, "call", "endCode")).isEqualTo("conversation.closed");
                assertThat(text(ended, "call", "endedBy", "kind")).isEqualTo("system");
                assertThat(text(callPush(customer, "ended"), "call", "endReason")).isEqualTo("conversation_closed");
            }
        }
    }

    @Test
    void whenCallsChangeStateThenTheTransitionsAreCountedByState() {
        double heldBefore = transitions("held"), endedBefore = transitions("ended");
        Agent a = newAgent(), b = newAgent();
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            String call = connect(aDesk, b, bDesk);
            aDesk.command("op", "call_hold", "call", call, "on", true);
            aDesk.command("op", "call_hangup", "call", call);
        }
        assertThat(transitions("held")).isEqualTo(heldBefore + 1);
        assertThat(transitions("ended")).isGreaterThanOrEqualTo(endedBefore + 1);
    }

    static double transitions(String state) {
        return Prometheus.value(Prometheus.scrape(http), "deskframe_calls_transitions_total", "state=\"" + state + "\"");
    }

    static void customer(StreamClient c, AttachmentFixture.Chat chat) {
        c.sendFrame("op", "authenticate", "id", "auth", "token", chat.guestToken(), "widget", "messenger", "embedOrigin", chat.origin());
        JsonNode ready = c.next();
        assertThat(text(ready, "op")).as(ready.toString()).isEqualTo("ready");
    }

    @Test
    void whenAnAgentIsOnACallThenRoutingOffersItNothingUntilTheCallEnds() {
        RoutingFixture routing = new RoutingFixture(server.context(), server.base());
        String queue = routing.queue(RoutingFixture.offersFor(60));
        Agent member = routing.agent(queue, 3), caller = newAgent();
        try (AgentDesk desk = routing.connect(member, true); AgentDesk memberPhone = phone(member); AgentDesk callerPhone = phone(caller)) {
            String call = connect(callerPhone, member, memberPhone);
            String conversation = routing.customerConversation(queue);
            assertThat(desk.pollOp("conversation_offered", Duration.ofSeconds(1))).as("busy on a call").isNull();
            callerPhone.command("op", "call_hangup", "call", call);
            JsonNode offered = desk.nextOp("conversation_offered");
            assertThat(text(offered, "conversation")).isEqualTo(conversation);
        }
    }

    /** The figures in docs/calls.md: medians over 20 of invite to ringing reply, accept to connected, and a signal's relay. */
    @Test
    void whenMeasuredTwentyTimesThenInviteAcceptAndRelayTakeMillisecondsAtTheMedian() {
        Agent a = newAgent(), b = newAgent();
        long[] invite = new long[20], accept = new long[20], relay = new long[20];
        try (AgentDesk aDesk = phone(a); AgentDesk bDesk = phone(b)) {
            for (int i = 0; i < 20; i++) {
                long t0 = System.nanoTime();
                String call = invite(aDesk, b);
                invite[i] = System.nanoTime() - t0;
                callPush(bDesk, "ringing");
                long t1 = System.nanoTime();
                assertCall(bDesk.command("op", "call_accept", "call", call), "connected");
                accept[i] = System.nanoTime() - t1;
                callPush(aDesk, "connected");
                long t2 = System.nanoTime();
                aDesk.sendFrame("op", "call_signal", "call", call, "sdp", Map.of("type", "offer", "sdp", "v=0"));
                bDesk.nextOp("call_signal");
                relay[i] = System.nanoTime() - t2;
                aDesk.command("op", "call_hangup", "call", call);
                callPush(bDesk, "ended");
            }
        }
        double inviteMs = median(invite), acceptMs = median(accept), relayMs = median(relay);
        System.out.printf("call latency medians over 20 (%s): invite->ringing %.2f ms, accept->connected %.2f ms, signal relay %.2f ms%n",
                String.valueOf(server.context().getEnvironment().getProperty("spring.datasource.url")).replaceAll("[:;?].*$|^jdbc:", ""), inviteMs, acceptMs, relayMs);
        assertThat(inviteMs).isLessThan(1000);
        assertThat(acceptMs).isLessThan(1000);
        assertThat(relayMs).isLessThan(1000);
    }

    static double median(long[] nanos) {
        long[] s = nanos.clone();
        java.util.Arrays.sort(s);
        return (s[s.length / 2 - 1] + s[s.length / 2]) / 2.0 / 1_000_000;
    }
}
