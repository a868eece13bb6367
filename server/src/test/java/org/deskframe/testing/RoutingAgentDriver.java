package org.deskframe.testing;

import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import tools.jackson.databind.JsonNode;

/**
 * An agent of the fault suite's routing load, at its desk through any failure: available, it accepts each offer after
 * a short delay, reads the conversation from its start, answers the customer's first message, closes the conversation
 * (with the queue's wrap-up code) a while after the customer's second one, and sets itself available again if the
 * system set it otherwise. Given {@link #declining} and {@link #transferring}, it also declines every n-th offer and
 * transfers every n-th conversation (after the customer's second message), by turns to a colleague and to another queue,
 * each conversation at most once across the desks. After a failure it reconnects through {@link GatewayReconnect} resuming every conversation
 * it holds, and takes the conversations the server says it holds ({@code conversation_assigned} after {@code ready}).
 * Everything it is told goes into its {@link RoutingLog}.
 */
public final class RoutingAgentDriver implements Runnable {

    public static final String SCOPES = "messaging:read messaging:write presence routing:read";

    public final String agent;
    private final String wrapUp;
    private final Duration acceptAfter;
    private final Duration closeAfter;
    /** At most this long after its assignment a conversation is closed even without the customer's second message. */
    private final Duration longestHold;
    public final GatewayReconnect gateway;
    public final RoutingLog log = new RoutingLog();
    /** Its side of every conversation it held, by conversation. */
    public final Map<String, ClientTranscript> transcripts = new java.util.concurrent.ConcurrentHashMap<>();
    /** Conversations it closed itself (the reply to its close): it must have received each whole. */
    public final List<String> closed = new CopyOnWriteArrayList<>();
    private final Map<String, Long> acceptAt = new LinkedHashMap<>();
    /** Accepts sent and not yet answered (sent again after a reconnect: the answer may have been lost). */
    private final java.util.Set<String> accepting = new java.util.LinkedHashSet<>();
    private final Map<String, Long> closeAt = new LinkedHashMap<>();
    /** Closes sent and not yet answered (sent again after a reconnect: the answer may have been lost). */
    private final java.util.Set<String> closing = new java.util.LinkedHashSet<>();
    private final Map<String, Long> assignedAt = new java.util.concurrent.ConcurrentHashMap<>();
    /** Closed at {@link #longestHold} without the customer's second message: not necessarily received whole. */
    private final java.util.Set<String> closedEarly = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final Map<String, Integer> customerMessages = new HashMap<>();
    /** Every n-th offer declined (0: none). */
    private int declineEvery;
    private int offers;
    /** Every n-th conversation transferred (0: none), by turns to one of {@link #colleagues} and to the other queue. */
    private int transferEvery;
    private List<String> colleagues = List.of();
    private List<String> queues = List.of();
    /** Conversations some desk transferred already, shared by the desks: each is transferred at most once. */
    private java.util.Set<String> transferredOnce = java.util.Set.of();
    private int conversationsHeld;
    private int transfers;
    private final Map<String, String> queueOf = new HashMap<>();
    /** Conversations it transferred away itself (the reply to its transfer). */
    public final List<String> transferredAway = new CopyOnWriteArrayList<>();
    public volatile int declined;
    public volatile boolean stop;
    public volatile Throwable failure;
    public int stalls;

    public RoutingAgentDriver(String base, String agent, String wrapUp, Duration acceptAfter, Duration closeAfter) {
        this.agent = agent;
        this.wrapUp = wrapUp;
        this.acceptAfter = acceptAfter;
        this.closeAfter = closeAfter;
        this.longestHold = Duration.ofSeconds(30);
        this.gateway = GatewayReconnect.agent(base, agent, SCOPES);
    }

    /** Declines every {@code n}-th offer it is made. */
    public RoutingAgentDriver declining(int n) {
        declineEvery = n;
        return this;
    }

    /**
     * Transfers every {@code n}-th conversation it holds once the customer wrote twice: by turns to the next of
     * {@code desks} (but itself) and to the other of {@code queueIds}, unless another desk transferred it already
     * ({@code shared}).
     */
    public RoutingAgentDriver transferring(int n, List<String> desks, List<String> queueIds, java.util.Set<String> shared) {
        transferEvery = n;
        colleagues = desks.stream().filter(d -> !d.equals(agent)).toList();
        queues = List.copyOf(queueIds);
        transferredOnce = shared;
        return this;
    }

    /** The transfer for a conversation the customer wrote twice in, or null to close it as usual. */
    private Object[] transferOf(String conversation) {
        if (transferEvery == 0 || ++conversationsHeld % transferEvery != 0 || !transferredOnce.add(conversation)) return null;
        String queue = queueOf.get(conversation);
        if (transfers++ % 2 == 1 && queue != null && queues.contains(queue)) {
            String other = queues.get((queues.indexOf(queue) + 1) % queues.size());
            return new Object[]{"op", "transfer", "id", "transfer:" + conversation, "conversation", conversation, "queue", other};
        }
        String colleague = colleagues.get(transfers % colleagues.size());
        return new Object[]{"op", "transfer", "id", "transfer:" + conversation, "conversation", conversation, "agent", colleague};
    }

    /** The conversations it holds now (assigned, not yet ended). */
    private Map<String, Long> positions() {
        Map<String, Long> p = new LinkedHashMap<>();
        for (String c : assignedAt.keySet()) p.put(c, transcripts.get(c).lastSeen);
        return p;
    }

    @Override
    public void run() {
        try {
            gateway.serveWhile(() -> !stop, this::positions, this::serve);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void serve(StreamClient ws) {
        for (ClientTranscript t : transcripts.values()) if (assignedAt.containsKey(t.conversation)) t.resendAll(ws);
        for (String c : closing) closeAt.putIfAbsent(c, System.nanoTime());
        closing.clear();
        for (String c : accepting) acceptAt.putIfAbsent(c, System.nanoTime());
        accepting.clear();
        long lastFrame = System.nanoTime();
        while (!stop && !ws.isClosed()) {
            long now = System.nanoTime();
            for (Iterator<Map.Entry<String, Long>> due = acceptAt.entrySet().iterator(); due.hasNext(); ) {
                var a = due.next();
                if (a.getValue() - now > 0) continue;
                due.remove();
                accepting.add(a.getKey());
                ws.sendFrame("op", "accept", "id", "accept:" + a.getKey(), "conversation", a.getKey());
            }
            for (var held : assignedAt.entrySet()) {
                if (now - held.getValue() > longestHold.toNanos() && !closing.contains(held.getKey())
                        && closeAt.putIfAbsent(held.getKey(), now) == null) {
                    closedEarly.add(held.getKey());
                }
            }
            for (Iterator<Map.Entry<String, Long>> due = closeAt.entrySet().iterator(); due.hasNext(); ) {
                var c = due.next();
                if (c.getValue() - now > 0) continue;
                due.remove();
                closing.add(c.getKey());
                if (wrapUp != null) ws.sendFrame("op", "close", "id", "close:" + c.getKey(), "conversation", c.getKey(), "wrapUp", wrapUp);
                else ws.sendFrame("op", "close", "id", "close:" + c.getKey(), "conversation", c.getKey());
            }
            for (ClientTranscript t : transcripts.values()) t.retryDue(ws);
            JsonNode f = ws.poll(Duration.ofMillis(100));
            if (f == null) {
                // Heartbeats come every few seconds: a silent socket is a dead one (a paused node).
                if (System.nanoTime() - lastFrame > Duration.ofSeconds(10).toNanos()) {
                    stalls++;
                    return;
                }
                continue;
            }
            lastFrame = System.nanoTime();
            String op = f.get("op").asString();
            String conversation = f.has("conversation") && f.get("conversation").isString() ? f.get("conversation").asString() : null;
            String id = f.has("id") && f.get("id").isString() ? f.get("id").asString() : null;
            switch (op) {
                case "conversation_offered" -> {
                    log.told(op, conversation, null);
                    if (assignedAt.containsKey(conversation) || acceptAt.containsKey(conversation)) break;
                    if (declineEvery > 0 && ++offers % declineEvery == 0) {
                        declined++;
                        ws.sendFrame("op", "decline", "id", "decline:" + conversation, "conversation", conversation);
                    } else {
                        acceptAt.put(conversation, System.nanoTime() + acceptAfter.toNanos());
                    }
                }
                case "offer_withdrawn" -> {
                    log.told(op, conversation, f.path("reason").asString(null));
                    acceptAt.remove(conversation);
                }
                case "conversation_assigned" -> {
                    log.told(op, conversation, id == null ? "pushed" : "accepted");
                    if (f.path("queue").isString()) queueOf.put(conversation, f.get("queue").asString());
                    acceptAt.remove(conversation);
                    accepting.remove(conversation);
                    if (!assignedAt.containsKey(conversation)) {
                        assignedAt.put(conversation, System.nanoTime());
                        ClientTranscript t = transcripts.computeIfAbsent(conversation, ClientTranscript::new);
                        // The conversation from its start (the greeting, the customer's first message). The server
                        // sends a new participant the history before its first live message already, so this replay only
                        // repeats what came (dropped by sequence), as a widget that asks on accept does.
                        ws.sendFrame("op", "resume", "id", "read:" + conversation, "positions", Map.of(conversation, t.lastSeen));
                        // back after a transfer to a queue: the customer has written all it will
                        if (customerMessages.getOrDefault(conversation, 0) >= 2) {
                            closeAt.putIfAbsent(conversation, System.nanoTime() + closeAfter.toNanos());
                        }
                    }
                }
                case "message" -> {
                    ClientTranscript t = transcripts.get(conversation);
                    if (t == null) break;
                    if (!t.arrived(f)) break;
                    if (!"customer".equals(f.path("sender").path("kind").asString(null))) break;
                    int n = customerMessages.merge(conversation, 1, Integer::sum);
                    if (n == 1 && t.ackedIds.isEmpty() && t.inFlight() == 0) {
                        String reply = agent + "-" + conversation + "-1";
                        t.send(ws, reply, "How can I help?");
                    } else if (n >= 2 && assignedAt.containsKey(conversation) && !closeAt.containsKey(conversation)) {
                        Object[] transfer = transferOf(conversation);
                        // its answer (conversation_transferred) ends it here; a refusal closes it as usual
                        if (transfer != null) {
                            log.told("transfer", conversation, String.valueOf(transfer[transfer.length - 1]));
                            closing.add(conversation);
                            ws.sendFrame(transfer);
                        } else {
                            closeAt.put(conversation, System.nanoTime() + closeAfter.toNanos());
                        }
                    }
                }
                case "ack" -> {
                    ClientTranscript t = transcripts.get(conversation);
                    if (t != null) t.acked(f);
                }
                case "conversation_transferred" -> {
                    log.told(op, conversation, f.path("to").path("id").asString(null));
                    if (agent.equals(f.path("from").path("id").asString(null))) {
                        transferredAway.add(conversation);
                        ended(conversation);
                    }
                }
                case "conversation_ended" -> {
                    log.told(op, conversation, f.path("reason").asString(null));
                    if (("close:" + conversation).equals(id)) closed.add(conversation);
                    ended(conversation);
                }
                case "presence" -> {
                    String status = f.path("status").asString(null);
                    if (!"available".equals(status) && !"after_contact_work".equals(status)) {
                        log.told(op, null, status);
                        ws.sendFrame("op", "set_presence", "id", "available", "status", "available");
                    }
                }
                case "error" -> {
                    String code = f.path("code").asString(null);
                    gateway.shown(code);
                    log.told(op, id, code);
                    if (id == null) break;
                    if (id.startsWith("accept:")) {
                        String c = id.substring("accept:".length());
                        accepting.remove(c);
                        // Expired or taken meanwhile: nothing to hold. Anything else (a database away mid-commit) may
                        // or may not have taken: the same accept again, which the one holding it is answered.
                        if (!"offer.expired".equals(code) && !"resource.not_found".equals(code)) {
                            acceptAt.put(c, System.nanoTime() + 250_000_000L);
                        }
                    } else if (id.startsWith("decline:")) {
                        // Expired or taken meanwhile: nothing to pass on.
                    } else if (id.startsWith("transfer:")) {
                        String c = id.substring("transfer:".length());
                        closing.remove(c);
                        // Not ours any more, or the target is away or full: closed as usual then.
                        if ("conversation.not_assigned".equals(code) || "conversation.closed".equals(code)) ended(c);
                        else closeAt.put(c, System.nanoTime() + closeAfter.toNanos());
                    } else if (id.startsWith("close:")) {
                        String c = id.substring("close:".length());
                        // Not ours any more (requeued, or a close whose reply was lost, now answered as not assigned).
                        if ("conversation.not_assigned".equals(code) || "conversation.closed".equals(code)) ended(c);
                        else {
                            closing.remove(c);
                            closeAt.put(c, System.nanoTime() + 250_000_000L);
                        }
                    } else {
                        for (ClientTranscript t : transcripts.values()) t.refusedWith(id, code);
                    }
                }
                default -> { }
            }
        }
    }

    private void ended(String conversation) {
        accepting.remove(conversation);
        assignedAt.remove(conversation);
        closing.remove(conversation);
        closeAt.remove(conversation);
        acceptAt.remove(conversation);
    }

    /** The assignments it was told of, for the checker. */
    public List<RoutingChecker.ToldAssigned> toldAssigned() {
        return log.entries().stream().filter(e -> e.what().equals("conversation_assigned"))
                .map(e -> new RoutingChecker.ToldAssigned(agent, e.conversation())).distinct().toList();
    }

    /** What it logged of each conversation's messages; those it closed itself it must have received whole. */
    public List<DeliveryChecker.ClientLog> deliveryLogs() {
        return transcripts.values().stream().map(t -> t.log(agent, closed.contains(t.conversation) && !closedEarly.contains(t.conversation))).toList();
    }

    /** Conversations it holds now. */
    public int holding() {
        return assignedAt.size();
    }
}
