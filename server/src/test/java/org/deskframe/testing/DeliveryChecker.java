package org.deskframe.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fault suite's independent checker: it trusts neither the server's API nor its code, only what the clients
 * logged (every ack with its sequence, every message received) and the database's rows, read with plain JDBC. It
 * reports what must be zero: acknowledged messages lost (not stored, or stored under another sequence), sequence
 * numbers given to two messages, a client message id stored twice, gaps in the stored sequence, and receivers that
 * saw a sequence out of order or twice.
 */
public final class DeliveryChecker {

    /** What the checker found; every count must be 0. */
    public record Report(int acknowledged, int stored, int lost, int reusedSeqs, int duplicateIds, int storedGaps,
                         int orderViolations, int undelivered, int ackConflicts, int redeliveriesDropped) {
        public boolean clean() {
            return lost == 0 && reusedSeqs == 0 && duplicateIds == 0 && storedGaps == 0 && orderViolations == 0
                    && undelivered == 0 && ackConflicts == 0;
        }

        Report plus(Report o) {
            return new Report(acknowledged + o.acknowledged, stored + o.stored, lost + o.lost, reusedSeqs + o.reusedSeqs,
                    duplicateIds + o.duplicateIds, storedGaps + o.storedGaps, orderViolations + o.orderViolations,
                    undelivered + o.undelivered, ackConflicts + o.ackConflicts, redeliveriesDropped + o.redeliveriesDropped);
        }
    }

    /**
     * What one client logged of one conversation: the sequence each of its acks named (by client message id), every
     * message sequence as it arrived (before deduplication), retried sends acknowledged with another sequence, and
     * whether it must have received the whole stored conversation (a participant to its end).
     */
    public record ClientLog(String client, String conversation, Map<String, Long> acks, List<Long> arrived,
                            int ackSeqConflicts, boolean whole) {}

    private DeliveryChecker() {}

    /** One conversation between delivery drivers, each of which must receive all of it. */
    public static Report check(String jdbcUrl, String user, String conversation, List<DeliveryDriver> drivers) throws SQLException {
        return check(jdbcUrl, user, drivers.stream().map(d -> d.transcript.log(d.agent, true)).toList());
    }

    /** Every conversation the logs name, each held to its stored rows. */
    public static Report check(String jdbcUrl, String user, List<ClientLog> logs) throws SQLException {
        Map<String, List<ClientLog>> byConversation = new LinkedHashMap<>();
        for (ClientLog log : logs) byConversation.computeIfAbsent(log.conversation(), c -> new java.util.ArrayList<>()).add(log);
        Map<String, List<StoredMessage>> stored = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
             PreparedStatement q = c.prepareStatement("select seq, client_message_id from messages where conversation_id = ? order by seq")) {
            for (String conversation : byConversation.keySet()) {
                q.setString(1, conversation);
                List<StoredMessage> rows = new java.util.ArrayList<>();
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) rows.add(new StoredMessage(rs.getLong(1), rs.getString(2)));
                }
                stored.put(conversation, rows);
            }
        }
        Report total = new Report(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        for (var e : byConversation.entrySet()) total = total.plus(check(stored.get(e.getKey()), e.getValue()));
        return total;
    }

    /** A stored message: its sequence and client message id (null for the system's, such as a greeting). */
    public record StoredMessage(long seq, String clientMessageId) {}

    /** The checks on one conversation's stored messages, in sequence order, and its clients' logs. */
    public static Report check(List<StoredMessage> rows, List<ClientLog> logs) {
        Map<String, Long> storedById = new HashMap<>();
        int duplicateIds = 0, gaps = 0, storedCount = 0;
        long expected = 1;
        for (StoredMessage m : rows) {
            storedCount++;
            if (m.seq() != expected) gaps++;
            expected = m.seq() + 1;
            if (m.clientMessageId() != null && storedById.put(m.clientMessageId(), m.seq()) != null) duplicateIds++;
        }
        long highest = expected - 1;
        int acknowledged = 0, lost = 0, reused = 0, order = 0, undelivered = 0, conflicts = 0, redelivered = 0;
        Map<Long, String> ackedBySeq = new HashMap<>();
        for (ClientLog log : logs) {
            conflicts += log.ackSeqConflicts();
            for (Map.Entry<String, Long> ack : log.acks().entrySet()) {
                acknowledged++;
                Long seq = storedById.get(ack.getKey());
                if (seq == null || !seq.equals(ack.getValue())) lost++;
                String other = ackedBySeq.put(ack.getValue(), ack.getKey());
                if (other != null && !other.equals(ack.getKey())) reused++;
            }
            // As a client deduplicates: a sequence at or below the last one taken is a redelivery (dropped, allowed on
            // the wire across reconnects); one beyond the next is an order violation (something was skipped).
            long last = 0;
            for (long seq : log.arrived()) {
                if (seq <= last) redelivered++;
                else if (seq != last + 1) order++;
                else last = seq;
            }
            if (log.whole() && last < highest) undelivered += (int) (highest - last);
        }
        return new Report(acknowledged, storedCount, lost, reused, duplicateIds, gaps, order, undelivered, conflicts, redelivered);
    }
}
