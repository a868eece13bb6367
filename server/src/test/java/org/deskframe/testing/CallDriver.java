package org.deskframe.testing;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * One side of the fault suite's calls, on an agent's voice widget through any failure: the caller rings the callee
 * again and again ({@code call_invite}), sends an offer and candidates once answered, holds and resumes once, and hangs
 * up after {@code talk}; the callee answers each ringing call and each offer. After a failure it reconnects through
 * {@link GatewayReconnect} and carries its side again ({@code call_attach} after the last signal it took, or
 * {@code call_accept} for a call still ringing). Every state it was told of each call, and every signal's seq, is logged
 * ({@link #told}, {@link #signalGaps}) for {@link CallChecker}.
 */
public final class CallDriver implements Runnable {

    public final String agent;
    private final String peer;
    private final boolean caller;
    private final Duration talk;
    public final GatewayReconnect gateway;
    /** Per call, the states it was told of, in order (consecutive repeats once). */
    public final Map<String, List<String>> told = new ConcurrentHashMap<>();
    /** When each call was first told connected (System.nanoTime). */
    public final Map<String, Long> connectedAt = new ConcurrentHashMap<>();
    /** When each call was invited (System.nanoTime), the caller's. */
    public final Map<String, Long> invitedAt = new ConcurrentHashMap<>();
    /** Signals that arrived past the next seq expected (one lost or out of order). */
    public volatile int signalGaps;
    /** Signals that arrived again (a replay after attach): dropped, as a widget does. */
    public volatile int signalRepeats;
    public final List<String> errorsShown = new CopyOnWriteArrayList<>();
    private final Map<String, Long> lastSignal = new ConcurrentHashMap<>();
    /** Calls this session carries (accepted, invited or attached on it). */
    private final java.util.Set<String> carriedHere = new java.util.HashSet<>();
    private String current;
    private long hangUpAt;
    private boolean held;
    private int invites;
    private long nextInviteAt;
    public volatile boolean stop;
    public volatile Throwable failure;

    private CallDriver(String base, String agent, String peer, boolean caller, Duration talk) {
        this.agent = agent;
        this.peer = peer;
        this.caller = caller;
        this.talk = talk;
        this.gateway = new GatewayReconnect(base, "voice", null, "access_token",
                http -> http.agentTokenReply("demo-backend", agent, "voice"));
    }

    /** {@code agent} ringing {@code peer} again and again, each call talked for {@code talk}. */
    public static CallDriver calling(String base, String agent, String peer, Duration talk) {
        return new CallDriver(base, agent, peer, true, talk);
    }

    /** {@code agent} answering every call. */
    public static CallDriver answering(String base, String agent) {
        return new CallDriver(base, agent, null, false, Duration.ZERO);
    }

    @Override
    public void run() {
        try {
            gateway.serveWhile(() -> !stop, Map::of, this::serve);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void serve(StreamClient ws) {
        long lastFrame = System.nanoTime();
        carriedHere.clear();
        // Until the calls not ended are pushed after ready, a new invite would race them.
        nextInviteAt = Math.max(nextInviteAt, System.nanoTime() + 500_000_000L);
        while (!stop && !ws.isClosed()) {
            long now = System.nanoTime();
            if (caller && current == null && now - nextInviteAt > 0) {
                nextInviteAt = now + 1_000_000_000L;
                ws.sendFrame("op", "call_invite", "id", "invite:" + (++invites), "agent", peer, "media", "audio");
            }
            if (caller && current != null && hangUpAt != 0) {
                if (!held && now - (hangUpAt - talk.toNanos() / 2) > 0) {
                    held = true;
                    ws.sendFrame("op", "call_hold", "id", "hold:" + current, "call", current, "on", true);
                    ws.sendFrame("op", "call_hold", "id", "resume:" + current, "call", current, "on", false);
                }
                if (now - hangUpAt > 0) {
                    hangUpAt = now + 2_000_000_000L;
                    ws.sendFrame("op", "call_hangup", "id", "hangup:" + current, "call", current);
                }
            }
            JsonNode f = ws.poll(Duration.ofMillis(100));
            if (f == null) {
                // heartbeats come every few seconds: a silent socket is a dead one (a paused node)
                if (System.nanoTime() - lastFrame > Duration.ofSeconds(10).toNanos()) return;
                continue;
            }
            lastFrame = System.nanoTime();
            switch (f.get("op").asString()) {
                case "call" -> onCall(ws, f.get("call"), f.path("id").asString(null));
                case "call_signal" -> onSignal(ws, f);
                case "error" -> {
                    String code = f.path("code").asString(null);
                    gateway.shown(code);
                    errorsShown.add(code);
                    String id = f.path("id").asString("");
                    // not rung (the callee reconnecting, or still on the last call): rung again a second later
                    if (id.startsWith("invite:")) nextInviteAt = System.nanoTime() + 1_000_000_000L;
                    // a state it is not in any more: what the server says it is comes with the next call push or session
                    if ("call.state_invalid".equals(code) || "call.not_found".equals(code)) {
                        if (id.startsWith("hangup:")) ended(id.substring("hangup:".length()));
                    }
                }
                default -> { }
            }
        }
    }

    private void onCall(StreamClient ws, JsonNode call, String replyTo) {
        String id = call.get("id").asString();
        String state = call.get("state").asString();
        List<String> states = told.computeIfAbsent(id, c -> new CopyOnWriteArrayList<>());
        if (states.isEmpty() || !states.getLast().equals(state)) states.add(state);
        if (replyTo != null && replyTo.startsWith("invite:")) invitedAt.putIfAbsent(id, System.nanoTime());
        boolean mine = agent.equals(call.path(caller ? "caller" : "callee").path("id").asString(null));
        if (!mine) return;
        switch (state) {
            case "ended" -> ended(id);
            case "ringing" -> {
                if (replyTo != null) carriedHere.add(id);
                if (caller) current = id;
                else ws.sendFrame("op", "call_accept", "id", "accept:" + id, "call", id);
            }
            case "connected", "held" -> {
                connectedAt.putIfAbsent(id, System.nanoTime());
                // the reply to its own invite or accept: this session carries it; a call pushed after ready that this
                // session does not carry yet (its last session dropped, or on a node that stopped): carried again
                if (replyTo != null) carriedHere.add(id);
                else if (carriedHere.add(id)) {
                    ws.sendFrame("op", "call_attach", "id", "attach:" + id, "call", id, "after", lastSignal.getOrDefault(id, 0L));
                }
                if (caller && current == null) current = id;
                if (caller && hangUpAt == 0 && id.equals(current)) {
                    hangUpAt = System.nanoTime() + talk.toNanos();
                    ws.sendFrame("op", "call_signal", "call", id, "sdp", Map.of("type", "offer", "sdp", "v=0 " + agent));
                    ws.sendFrame("op", "call_signal", "call", id, "candidate", Map.of("candidate", "candidate:1 1 udp 1 127.0.0.1 9 typ host",
                            "sdpMid", "0", "sdpMLineIndex", 0));
                }
            }
            default -> { }
        }
    }

    private void onSignal(StreamClient ws, JsonNode f) {
        String id = f.get("call").asString();
        long seq = f.get("seq").asLong();
        long last = lastSignal.getOrDefault(id, 0L);
        if (seq <= last) {
            signalRepeats++;
            return;
        }
        if (seq != last + 1) signalGaps++;
        lastSignal.put(id, seq);
        if (!caller && f.path("sdp").path("type").asString("").equals("offer")) {
            ws.sendFrame("op", "call_signal", "call", id, "sdp", Map.of("type", "answer", "sdp", "v=0 " + agent));
        }
    }

    private void ended(String id) {
        if (id.equals(current)) {
            current = null;
            hangUpAt = 0;
            held = false;
            nextInviteAt = System.nanoTime() + 300_000_000L;
        }
    }
}
