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
    }

    private DeliveryChecker() {}

    public static Report check(String jdbcUrl, String user, String conversation, List<DeliveryDriver> drivers) throws SQLException {
        Map<String, Long> storedById = new HashMap<>();
        Map<Long, String> storedBySeq = new LinkedHashMap<>();
        int duplicateIds = 0, gaps = 0;
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
             PreparedStatement q = c.prepareStatement("select seq, client_message_id from messages where conversation_id = ? order by seq")) {
            q.setString(1, conversation);
            try (ResultSet rs = q.executeQuery()) {
                long expected = 1;
                while (rs.next()) {
                    long seq = rs.getLong(1);
                    String id = rs.getString(2);
                    if (seq != expected) gaps++;
                    expected = seq + 1;
                    if (storedById.put(id, seq) != null) duplicateIds++;
                    storedBySeq.put(seq, id);
                }
            }
        }
        int acknowledged = 0, lost = 0, reused = 0, order = 0, undelivered = 0, conflicts = 0, redelivered = 0;
        Map<Long, String> ackedBySeq = new HashMap<>();
        for (DeliveryDriver d : drivers) {
            conflicts += d.ackSeqConflicts;
            for (Map.Entry<String, Long> ack : d.ackedSeqs.entrySet()) {
                acknowledged++;
                Long stored = storedById.get(ack.getKey());
                if (stored == null || !stored.equals(ack.getValue())) lost++;
                String other = ackedBySeq.put(ack.getValue(), ack.getKey());
                if (other != null && !other.equals(ack.getKey())) reused++;
            }
            // As a client deduplicates: a sequence at or below the last one taken is a redelivery (dropped, allowed on
            // the wire across reconnects); one beyond the next is an order violation (something was skipped).
            long last = 0;
            for (long seq : List.copyOf(d.arrived)) {
                if (seq <= last) redelivered++;
                else if (seq != last + 1) order++;
                else last = seq;
            }
            if (last < storedBySeq.size()) undelivered += (int) (storedBySeq.size() - last);
        }
        return new Report(acknowledged, storedById.size(), lost, reused, duplicateIds, gaps, order, undelivered, conflicts, redelivered);
    }
}
