package org.deskframe.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault suite's calls checker: like {@link RoutingChecker} it trusts only the tables ({@code calls},
 * {@code call_events}, read with plain JDBC) and what the clients were told. It reports calls a client was told of that
 * the database does not hold (lost), calls not ended by the end (left live), event histories that are not one of the
 * state machine's paths (from {@code ringing}, each step an allowed transition, numbered from 1 without gaps, ending
 * once), and calls a client was told ended or connected that the record says were not.
 */
public final class CallChecker {

    /** A call's row and its events' states in order. */
    public record Stored(String state, String endReason, List<Integer> seqs, List<String> states) {}

    public record Report(int calls, int lost, int leftLive, int invalidHistories, int toldNotStored, int connected,
                         Map<String, Integer> endReasons) {
        public boolean clean() {
            return lost == 0 && leftLive == 0 && invalidHistories == 0 && toldNotStored == 0;
        }
    }

    /** Where each state may go (docs/calls.md, "States and transitions"). */
    static final Map<String, Set<String>> NEXT = Map.of(
            "ringing", Set.of("connected", "ended"),
            "connected", Set.of("held", "ended"),
            "held", Set.of("connected", "ended"));

    private CallChecker() {}

    /** The calls between {@code parties} (caller or callee), and each client's log of what it was told, by call. */
    public static Report check(String jdbcUrl, String user, Collection<String> parties, List<Map<String, List<String>>> told)
            throws SQLException {
        Map<String, Stored> stored = new LinkedHashMap<>();
        String in = String.join(", ", java.util.Collections.nCopies(parties.size(), "?"));
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            Map<String, String[]> rows = new LinkedHashMap<>();
            try (PreparedStatement q = c.prepareStatement("select id, state, end_reason from calls where caller_id in (" + in
                    + ") or callee_id in (" + in + ") order by created_at")) {
                int i = 0;
                for (int twice = 0; twice < 2; twice++) for (String p : parties) q.setString(++i, p);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) rows.put(rs.getString(1), new String[]{rs.getString(2), rs.getString(3)});
                }
            }
            Map<String, List<Integer>> seqs = new HashMap<>();
            Map<String, List<String>> states = new HashMap<>();
            try (PreparedStatement q = c.prepareStatement("select e.call_id, e.seq, e.state from call_events e join calls k on k.id = e.call_id "
                    + "where k.caller_id in (" + in + ") or k.callee_id in (" + in + ") order by e.call_id, e.seq")) {
                int i = 0;
                for (int twice = 0; twice < 2; twice++) for (String p : parties) q.setString(++i, p);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        seqs.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getInt(2));
                        states.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(3));
                    }
                }
            }
            rows.forEach((id, r) -> stored.put(id, new Stored(r[0], r[1], seqs.getOrDefault(id, List.of()), states.getOrDefault(id, List.of()))));
        }
        return check(stored, told);
    }

    /** The checks on hand-given records ({@code stored} by call id) and clients' logs. */
    public static Report check(Map<String, Stored> stored, List<Map<String, List<String>>> told) {
        int lost = 0, leftLive = 0, invalid = 0, toldNotStored = 0, connected = 0;
        Map<String, Integer> reasons = new TreeMap<>();
        for (Stored s : stored.values()) {
            if (!"ended".equals(s.state())) leftLive++;
            else reasons.merge(String.valueOf(s.endReason()), 1, Integer::sum);
            if (!validHistory(s)) invalid++;
            if (s.states().contains("connected")) connected++;
        }
        java.util.Set<String> toldOf = new java.util.HashSet<>();
        for (Map<String, List<String>> log : told) {
            for (var e : log.entrySet()) {
                toldOf.add(e.getKey());
                Stored s = stored.get(e.getKey());
                if (s == null) continue;
                // every state a client was told of is one the record went through
                if (!s.states().containsAll(e.getValue())) toldNotStored++;
            }
        }
        for (String id : toldOf) if (!stored.containsKey(id)) lost++;
        return new Report(stored.size(), lost, leftLive, invalid, toldNotStored, connected, reasons);
    }

    private static boolean validHistory(Stored s) {
        List<String> states = s.states();
        if (states.isEmpty() || !"ringing".equals(states.getFirst())) return false;
        for (int i = 0; i < s.seqs().size(); i++) if (s.seqs().get(i) != i + 1) return false;
        for (int i = 1; i < states.size(); i++) {
            Set<String> next = NEXT.get(states.get(i - 1));
            if (next == null || !next.contains(states.get(i))) return false;
        }
        // the record's state is its last event's
        return states.getLast().equals(s.state());
    }
}
