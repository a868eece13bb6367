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
    public final Set<String> ackedIds = new LinkedHashSet<>();
    /** Client message id to the sequence its ack named (what the independent checker holds the database to). */
    public final Map<String, Long> ackedSeqs = new java.util.concurrent.ConcurrentHashMap<>();
    /**
     * When the newest acknowledged message was first sent (System.nanoTime): a fault is recovered from once this is
     * after it, since an ack of a message sent earlier may have been on its way when the fault struck.
     */
    public final java.util.concurrent.atomic.AtomicLong newestAckedSendAt = new java.util.concurrent.atomic.AtomicLong();
    private final Map<String, Long> firstSentAt = new java.util.HashMap<>();
    final List<String> inFlight = new ArrayList<>();
    public final List<Long> received = new ArrayList<>();
    /** Every message frame's sequence as it arrived, before deduplication (the independent checker's input). */
    public final List<Long> arrived = new ArrayList<>();
    public long lastSeen;
    public int duplicates;
    public int gaps;
    public int connections;
    public int kills;
    public int stalls;
    /** A retried send acknowledged with another sequence than its first ack named (must never happen). */
    public int ackSeqConflicts;
    /** Every error code the server answered with (handshakes and sends), with how often: the catalogue's, or a defect. */
    public final Map<String, Integer> errors = new java.util.concurrent.ConcurrentHashMap<>();
    /** Sends answered with an error, to send again (same client message id) once due (System.nanoTime). */
    final Map<String, Long> retryAt = new java.util.LinkedHashMap<>();
    /** When set, the driver leaves its session and reconnects with the token this gives (once). */
    public volatile java.util.function.Supplier<String> nextToken;
    /** When the last handshake succeeded (System.nanoTime). */
    public final java.util.concurrent.atomic.AtomicLong lastReadyAt = new java.util.concurrent.atomic.AtomicLong();
    int nextIndex;
    public volatile Throwable failure;
    /** The last reconnect attempts that did not reach {@code ready}, with what went wrong (for a failure message). */
    public final java.util.Deque<String> failedAttempts = new java.util.concurrent.ConcurrentLinkedDeque<>();

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
    }

    public boolean done() {
        return ackedIds.size() == toSend && lastSeen == total;
    }

    @Override
    public void run() {
        Random random = new Random(seed);
        // a safety net only: fault scenarios on a loaded machine take minutes
        long deadline = System.nanoTime() + Duration.ofMinutes(8).toNanos();
        String token = null;
        // Through an L4 balancer a keep-alive connection stays on one node: after a refusal, the next request goes on
        // a new connection (a node that refuses every token request, its clock off, would otherwise be the only one).
        TestClient tokens = http;
        try {
            while (!done() && System.nanoTime() < deadline) {
                StreamClient ws;
                try {
                    var given = nextToken;
                    if (given != null) {
                        nextToken = null;
                        token = given.get();
                    }
                    if (token == null) {
                        TestClient.Reply r = tokens.agentTokenReply("demo-backend", agent, RW);
                        if (r.status() != 200) {
                            String code = r.body().contains("\"code\"") ? r.json().get("code").asString() : "(none) " + r.status();
                            errors.merge(code, 1, Integer::sum);
                            tokens = new TestClient(http.base());
                            Thread.sleep(200);
                            continue;
                        }
                        token = r.json().get("access_token").asString();
                    }
                    ws = StreamClient.connect(http.base());
                    ws.sendFrame("op", "authenticate", "token", token, "widget", "messaging", "resume", Map.of(conversation, lastSeen));
                    JsonNode ready = ws.poll(Duration.ofSeconds(5));
                    if (ready == null || !"ready".equals(ready.get("op").asString())) {
                        failedAttempt(ready == null ? "no ready within 5 s" : "first frame " + ready);
                        if (ready != null && "error".equals(ready.get("op").asString())) {
                            String code = ready.get("code").asString();
                            errors.merge(code, 1, Integer::sum);
                            // As the catalogue's close codes say (41xx): this token will not do; obtain another.
                            if (code.startsWith("token.")) token = null;
                        }
                        ws.abort();
                        Thread.sleep(200);
                        continue;
                    }
                } catch (RuntimeException e) {
                    failedAttempt(e.toString());
                    Thread.sleep(200); // server restarting
                    continue;
                }
                connections++;
                lastReadyAt.set(System.nanoTime());
                try {
                    retryAt.clear();
                    for (String id : inFlight) send(ws, id);
                    long lastFrame = System.nanoTime();
                    while (!done() && !ws.isClosed() && nextToken == null) {
                        long now = System.nanoTime();
                        for (var due = retryAt.entrySet().iterator(); due.hasNext(); ) {
                            var r = due.next();
                            if (r.getValue() - now > 0) continue;
                            due.remove();
                            if (inFlight.contains(r.getKey())) send(ws, r.getKey());
                        }
                        int limit = Math.min(toSend, allowed.getAsInt());
                        while (inFlight.size() < 32 && nextIndex < limit) {
                            String id = agent + "-" + nextIndex++;
                            inFlight.add(id);
                            send(ws, id);
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
                            case "message" -> {
                                long seq = f.get("seq").asLong();
                                arrived.add(seq);
                                if (seq <= lastSeen) duplicates++;
                                else if (seq != lastSeen + 1) gaps++;
                                else {
                                    lastSeen = seq;
                                    received.add(seq);
                                }
                            }
                            case "ack" -> {
                                String id = f.get("clientMessageId").asString();
                                if (inFlight.remove(id) && ackedIds.add(id)) acked.incrementAndGet();
                                Long earlier = ackedSeqs.putIfAbsent(id, f.get("seq").asLong());
                                if (earlier != null && earlier != f.get("seq").asLong()) ackSeqConflicts++;
                                Long sentAt = firstSentAt.get(id);
                                if (sentAt != null) newestAckedSendAt.accumulateAndGet(sentAt, Math::max);
                                retryAt.remove(id);
                            }
                            case "error" -> {
                                errors.merge(f.get("code").asString(), 1, Integer::sum);
                                // A send the server could not take (its database away): the same id again, shortly.
                                String id = f.has("id") ? f.get("id").asString() : null;
                                if (id != null && inFlight.contains(id)) retryAt.put(id, System.nanoTime() + 250_000_000L);
                            }
                            default -> { }
                        }
                        if (killOneIn > 0 && random.nextInt(killOneIn) == 0) {
                            kills++;
                            ws.abort();
                            break;
                        }
                    }
                } catch (RuntimeException socketGone) {
                    // killed or server restarting: reconnect and resume
                } finally {
                    ws.abort();
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void failedAttempt(String what) {
        failedAttempts.addLast(java.time.LocalTime.now() + " " + what);
        while (failedAttempts.size() > 8) failedAttempts.pollFirst();
    }

    private void send(StreamClient ws, String id) {
        firstSentAt.putIfAbsent(id, System.nanoTime());
        ws.sendFrame("op", "send", "id", id, "conversation", conversation, "clientMessageId", id, "text", "message " + id);
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
