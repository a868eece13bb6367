package org.deskframe.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import tools.jackson.databind.JsonNode;

/**
 * One agent's side of a conversation under failure: sends its share (at most 32 in flight, each with a client message
 * id it sends again after a reconnect), counts what it receives (exactly once, in order, or counts duplicates and gaps),
 * and after every failure reconnects through {@code http}'s base (a node, or a load balancer) with its last seen
 * sequence. Tests of delivery under socket kills, restarts and drains share it.
 */
public final class DeliveryDriver implements Runnable {

    static final String RW = "messaging:read messaging:write";
    public final String agent;
    final String conversation;
    final int toSend;
    final int total;
    final long seed;
    final TestClient http;
    final AtomicInteger acked;
    final IntSupplier allowed;
    final int killOneIn;
    /** Its side of the conversation: sends in flight, acks with their sequences, what arrived. */
    public final ClientTranscript transcript;
    /** Its way back into the gateway after a failure (tokens, handshakes, the errors it was shown). */
    public final GatewayReconnect gateway;
    public final Set<String> ackedIds;
    /**
     * When the newest acknowledged message was first sent (System.nanoTime): a fault is recovered from once this is
     * after it, since an ack of a message sent earlier may have been on its way when the fault struck.
     */
    public final java.util.concurrent.atomic.AtomicLong newestAckedSendAt;
    public final Map<String, Integer> errors;
    public final java.util.concurrent.atomic.AtomicLong lastReadyAt;
    public final java.util.Deque<String> failedAttempts;
    public int connections;
    public int kills;
    public int stalls;
    int nextIndex;
    public volatile Throwable failure;

    /**
     * @param toSend    messages this agent sends; {@code total} all sides send together (what it must receive)
     * @param acked     counts every side's acknowledged sends
     * @param allowed   how many of its {@code toSend} it may have sent by now (to hold sends back until a restart,
     *                  or to pace them)
     * @param killOneIn aborts its own socket after one frame in this many, at random (0: never)
     */
    public DeliveryDriver(String agent, String conversation, int toSend, int total, long seed, TestClient http,
                          AtomicInteger acked, IntSupplier allowed, int killOneIn) {
        this.allowed = allowed;
        this.killOneIn = killOneIn;
        this.agent = agent;
        this.conversation = conversation;
        this.toSend = toSend;
        this.total = total;
        this.seed = seed;
        this.http = http;
        this.acked = acked;
        this.transcript = new ClientTranscript(conversation);
        this.gateway = GatewayReconnect.agent(http.base(), agent, RW);
        this.ackedIds = transcript.ackedIds;
        this.newestAckedSendAt = transcript.newestAckedSendAt;
        this.errors = gateway.errors;
        this.lastReadyAt = gateway.lastReadyAt;
        this.failedAttempts = gateway.failedAttempts;
    }

    public long lastSeen() {
        return transcript.lastSeen;
    }

    public boolean done() {
        return ackedIds.size() == toSend && transcript.lastSeen == total;
    }

    @Override
    public void run() {
        Random random = new Random(seed);
        // a safety net only: fault scenarios on a loaded machine take minutes
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        try {
            gateway.serveWhile(() -> !done() && System.nanoTime() < deadline, () -> Map.of(conversation, transcript.lastSeen), ws -> {
                connections++;
                converse(ws, random);
            });
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One session: what is owed sent, what arrives counted, until done, stalled, killed or closed. */
    private void converse(StreamClient ws, Random random) {
        transcript.resendAll(ws);
        long lastFrame = System.nanoTime();
        while (!done() && !ws.isClosed() && !gateway.tokenPending()) {
            transcript.retryDue(ws);
            int limit = Math.min(toSend, allowed.getAsInt());
            while (transcript.inFlight() < 32 && nextIndex < limit) {
                String id = agent + "-" + nextIndex++;
                transcript.send(ws, id, "message " + id);
            }
            JsonNode f = ws.poll(Duration.ofMillis(500));
            if (f == null) {
                // The server pings every 25 s; an open socket that is silent for 10 s while messages
                // are still owed means delivery stalled - a failure, counted, then resumed.
                if (System.nanoTime() - lastFrame > Duration.ofSeconds(10).toNanos()) {
                    stalls++;
                    break;
                }
                continue;
            }
            lastFrame = System.nanoTime();
            switch (f.get("op").asString()) {
                case "message" -> transcript.arrived(f);
                case "ack" -> {
                    if (transcript.acked(f)) acked.incrementAndGet();
                }
                case "error" -> {
                    gateway.shown(f.get("code").asString());
                    // A send the server could not take (its database away): the same id again, shortly.
                    if (f.has("id")) transcript.refusedWith(f.get("id").asString(), f.get("code").asString());
                }
                default -> { }
            }
            if (killOneIn > 0 && random.nextInt(killOneIn) == 0) {
                kills++;
                ws.abort();
                return;
            }
        }
    }

    /**
     * Reads the conversation's whole history and checks it is gapless from 1; answers the client message ids in it,
     * in order (each once if the set's size equals the number of messages).
     */
    public static List<String> history(TestClient http, String conversation, String readerToken) {
        List<String> ids = new ArrayList<>();
        long after = 0;
        while (true) {
            JsonNode page = http.get("/api/v2/conversations/" + conversation + "/messages?after=" + after + "&limit=500", readerToken).json();
            for (JsonNode m : page.get("messages")) {
                if (m.get("seq").asLong() != after + 1) {
                    throw new AssertionError("the history has a gap or a reordering after seq " + after + ": " + m);
                }
                after = m.get("seq").asLong();
                ids.add(m.get("clientMessageId").asString());
            }
            if (page.get("next").isNull()) break;
        }
        return ids;
    }
}
