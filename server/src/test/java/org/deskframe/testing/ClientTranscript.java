package org.deskframe.testing;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * One client's side of one conversation under failure, as the fault drivers keep it: its sends in flight (each with a
 * client message id, sent again after a reconnect and, when answered with an error, 250 ms later), the sequence each
 * ack named, and every message sequence as it arrived, before the client's own deduplication by sequence. What it
 * logged is what {@link DeliveryChecker} holds the database to. One thread (its driver's) uses it.
 */
public final class ClientTranscript {

    public final String conversation;
    /** Client message ids acknowledged, in the order of their first ack. */
    public final Set<String> ackedIds = new LinkedHashSet<>();
    /** Client message id to the sequence its first ack named. */
    public final Map<String, Long> ackedSeqs = new ConcurrentHashMap<>();
    /** Every message frame's sequence as it arrived, before deduplication. */
    public final List<Long> arrived = java.util.Collections.synchronizedList(new ArrayList<>());
    /** The sequences taken, after deduplication (in order, if nothing was skipped). */
    public final List<Long> received = new ArrayList<>();
    /** When the newest acknowledged message was first sent (System.nanoTime). */
    public final AtomicLong newestAckedSendAt = new AtomicLong();
    public volatile long lastSeen;
    public int duplicates;
    public int gaps;
    /** A retried send acknowledged with another sequence than its first ack named (must never happen). */
    public int ackSeqConflicts;
    /** Sends refused for good (the conversation had ended): never acknowledged, never sent again. */
    public final Set<String> refused = new LinkedHashSet<>();
    final List<String> inFlight = new ArrayList<>();
    private final Map<String, String> texts = new LinkedHashMap<>();
    private final Map<String, Long> firstSentAt = new java.util.HashMap<>();
    private final Map<String, Long> retryAt = new LinkedHashMap<>();

    public ClientTranscript(String conversation) {
        this.conversation = conversation;
    }

    public int inFlight() {
        return inFlight.size();
    }

    /** Sends a new message (client message id {@code id}); it stays in flight until acknowledged. */
    public void send(StreamClient ws, String id, String text) {
        inFlight.add(id);
        texts.put(id, text);
        transmit(ws, id);
    }

    /** After a reconnect: everything not yet acknowledged again, under the same client message ids. */
    public void resendAll(StreamClient ws) {
        retryAt.clear();
        for (String id : inFlight) transmit(ws, id);
    }

    /** Sends answered with an error whose retry is due. */
    public void retryDue(StreamClient ws) {
        long now = System.nanoTime();
        for (var due = retryAt.entrySet().iterator(); due.hasNext(); ) {
            var r = due.next();
            if (r.getValue() - now > 0) continue;
            due.remove();
            if (inFlight.contains(r.getKey())) transmit(ws, r.getKey());
        }
    }

    private void transmit(StreamClient ws, String id) {
        firstSentAt.putIfAbsent(id, System.nanoTime());
        ws.sendFrame("op", "send", "id", id, "conversation", conversation, "clientMessageId", id, "text", texts.get(id));
    }

    /** Whether {@code id} is one of this transcript's sends still waiting for its ack. */
    public boolean owns(String id) {
        return id != null && inFlight.contains(id);
    }

    /** An {@code ack} frame of one of its sends; answers true the first time a send is acknowledged. */
    public boolean acked(JsonNode ack) {
        String id = ack.get("clientMessageId").asString();
        long seq = ack.get("seq").asLong();
        boolean first = inFlight.remove(id) && ackedIds.add(id);
        Long earlier = ackedSeqs.putIfAbsent(id, seq);
        if (earlier != null && earlier != seq) ackSeqConflicts++;
        Long sentAt = firstSentAt.get(id);
        if (sentAt != null) newestAckedSendAt.accumulateAndGet(sentAt, Math::max);
        retryAt.remove(id);
        return first;
    }

    /**
     * A send answered with the error {@code code}: sent again (same client message id) 250 ms later, or given up when
     * the conversation has ended ({@code conversation.closed}: nothing was stored and nothing will be).
     */
    public void refusedWith(String id, String code) {
        if (!inFlight.contains(id)) return;
        if ("conversation.closed".equals(code)) {
            inFlight.remove(id);
            refused.add(id);
        } else {
            retryAt.put(id, System.nanoTime() + 250_000_000L);
        }
    }

    /** A {@code message} frame of this conversation; answers true when it is the next one (taken), false if dropped. */
    public boolean arrived(JsonNode message) {
        long seq = message.get("seq").asLong();
        arrived.add(seq);
        if (seq <= lastSeen) {
            duplicates++;
            return false;
        }
        if (seq != lastSeen + 1) {
            gaps++;
            return false;
        }
        lastSeen = seq;
        received.add(seq);
        return true;
    }

    /** What it logged, for the checker; {@code whole}: this client must have received every stored message. */
    public DeliveryChecker.ClientLog log(String client, boolean whole) {
        return new DeliveryChecker.ClientLog(client, conversation, Map.copyOf(ackedSeqs), List.copyOf(arrived), ackSeqConflicts, whole);
    }
}
