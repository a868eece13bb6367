package org.deskframe.calls.internal;

import java.security.SecureRandom;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.calls.internal.CallRow.Side;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionCallback;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The calls' state machine, durable: ringing -> connected <-> held -> ended. Every transition is a conditional update of
 * the call's row on the state it leaves plus its {@code call_events} row, in one transaction, so of two nodes (or a
 * timer and a person) exactly one moves a call; every method returns what was committed, so callers answer after
 * commit. Signals are numbered per call and recipient under the call's row lock, hence gapless.
 */
@Component
class CallLedger {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String COLUMNS = "id, org_id, media, state, caller_kind, caller_id, callee_kind, callee_id,"
            + " conversation_id, queue_id, caller_session, callee_session, caller_detached_at, callee_detached_at,"
            + " caller_muted, callee_muted, ring_expires_at, created_at, answered_at, ended_at, ended_by_kind, ended_by_id,"
            + " end_reason, end_code";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Clock clock;

    CallLedger(JdbcClient jdbc, TransactionTemplate tx, org.deskframe.storage.SharedClock sharedClock) {
        this.jdbc = jdbc;
        this.tx = tx;
        // Ring and reattach deadlines are compared by every node's sweep: on the database's clock, not this node's.
        this.clock = sharedClock.clock();
    }

    Instant now() {
        return clock.instant();
    }

    Optional<CallRow> find(String callId) {
        return jdbc.sql("select " + COLUMNS + " from calls where id = ?").param(callId).query(CallLedger::row).optional();
    }

    /** Calls not ended in which {@code party} takes part (a busy check, a new session's catch-up). */
    List<CallRow> liveOf(Party party) {
        return jdbc.sql("select " + COLUMNS + " from calls where state <> 'ended' and ((caller_kind = ? and caller_id = ?)"
                        + " or (callee_kind = ? and callee_id = ?)) order by created_at")
                .params(party.kind(), party.id(), party.kind(), party.id()).query(CallLedger::row).list();
    }

    /** Those of {@code agentIds} with a call not ended. */
    java.util.Set<String> agentsOnCall(java.util.Collection<String> agentIds) {
        return new java.util.HashSet<>(jdbc.sql("select caller_id from calls where state <> 'ended' and caller_kind = 'agent' and caller_id in (:ids)"
                        + " union select callee_id from calls where state <> 'ended' and callee_kind = 'agent' and callee_id in (:ids)")
                .param("ids", List.copyOf(agentIds)).query(String.class).list());
    }

    List<CallRow> ofOrg(String orgId, int limit, int offset) {
        return jdbc.sql("select " + COLUMNS + " from calls where org_id = ? order by created_at desc, id limit ? offset ?")
                .params(orgId, limit, offset).query(CallLedger::row).list();
    }

    /** A new ringing call; {@code callee} null while a customer's call waits in {@code queueId}. */
    CallRow invite(String orgId, String media, Party caller, String callerSession, Party callee, String conversationId,
                   String queueId, Duration ringTimeout) {
        String id = newId();
        Instant now = now();
        tx.executeWithoutResult(st -> {
            jdbc.sql("insert into calls (id, org_id, media, state, caller_kind, caller_id, callee_kind, callee_id,"
                            + " conversation_id, queue_id, caller_session, ring_expires_at, created_at)"
                            + " values (?, ?, ?, 'ringing', ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(id, orgId, media, caller.kind(), caller.id(), callee == null ? null : callee.kind(),
                            callee == null ? null : callee.id(), conversationId, queueId, callerSession,
                            ts(now.plus(ringTimeout)), ts(now))
                    .update();
            // The parties' lines: a callee already on a call (another node's invite included) fails here, and the
            // whole invite is rolled back.
            takeLine(callee, id, true);
            takeLine(caller, id, false);
            event(id, CallRow.RINGING, now, caller, null);
        });
        return find(id).orElseThrow();
    }

    /**
     * A queued customer's call gets the agent routing assigned as its callee (and rings it from now on); empty while
     * that agent is on another call (the next sweep tries again).
     */
    Optional<CallRow> ringAgent(String callId, Party agent, Duration ringTimeout) {
        Instant now = now();
        try {
            return transition(callId, st -> {
                if (jdbc.sql("update calls set callee_kind = ?, callee_id = ?, ring_expires_at = ?"
                                + " where id = ? and state = 'ringing' and callee_id is null")
                        .params(agent.kind(), agent.id(), ts(now.plus(ringTimeout)), callId).update() != 1) return false;
                takeLine(agent, callId, true);
                return true;
            });
        } catch (ProblemException busy) {
            return Optional.empty();
        }
    }

    /** {@code party}'s line for {@code callId}; refused when it has a call not ended (for a callee: call.callee_busy). */
    private void takeLine(Party party, String callId, boolean callee) {
        if (party == null) return;
        try {
            jdbc.sql("insert into call_lines (party, call_id) values (?, ?)").params(party.key(), callId).update();
        } catch (org.springframework.dao.DuplicateKeyException taken) {
            if (callee) throw ProblemException.of(ErrorCode.CALL_CALLEE_BUSY, Map.of("callee", party.id(), "other", "another call"));
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "you are on another call: hang it up before you call again"));
        }
    }

    /** ringing -> connected; {@code session} carries the callee's side from now on. */
    Optional<CallRow> accept(String callId, Party by, String session) {
        Instant now = now();
        return transition(callId, st -> {
            if (jdbc.sql("update calls set state = 'connected', answered_at = ?, callee_session = ?, ring_expires_at = null,"
                            + " callee_detached_at = null where id = ? and state = 'ringing'")
                    .params(ts(now), session, callId).update() != 1) return false;
            event(callId, CallRow.CONNECTED, now, by, null);
            return true;
        });
    }

    /** Any state but ended -> ended, with who ended it, why, and the catalogue code of the cause (null for hangup). */
    Optional<CallRow> end(String callId, Party by, String reason, String code, List<String> from) {
        Instant now = now();
        return transition(callId, st -> {
            String states = String.join(",", from.stream().map(s -> "'" + s + "'").toList());
            if (jdbc.sql("update calls set state = 'ended', ended_at = ?, ended_by_kind = ?, ended_by_id = ?, end_reason = ?,"
                            + " end_code = ?, ring_expires_at = null where id = ? and state in (" + states + ")")
                    .params(ts(now), by.kind(), by.id(), reason, code, callId).update() != 1) return false;
            jdbc.sql("delete from call_lines where call_id = ?").param(callId).update();
            event(callId, CallRow.ENDED, now, by, code == null ? reason : code);
            return true;
        });
    }

    /** connected <-> held. */
    Optional<CallRow> hold(String callId, Party by, boolean on) {
        String from = on ? CallRow.CONNECTED : CallRow.HELD, to = on ? CallRow.HELD : CallRow.CONNECTED;
        Instant now = now();
        return transition(callId, st -> {
            if (jdbc.sql("update calls set state = ? where id = ? and state = ?").params(to, callId, from).update() != 1) return false;
            event(callId, to, now, by, null);
            return true;
        });
    }

    Optional<CallRow> mute(String callId, Side side, boolean on) {
        String column = side == Side.CALLER ? "caller_muted" : "callee_muted";
        return transition(callId, st -> jdbc.sql("update calls set " + column + " = ? where id = ? and state in ('connected', 'held')")
                .params(on, callId).update() == 1);
    }

    /** {@code session} carries {@code side} of a call not ended (again). */
    Optional<CallRow> attach(String callId, Side side, String session) {
        String p = side == Side.CALLER ? "caller" : "callee";
        return transition(callId, st -> jdbc.sql("update calls set " + p + "_session = ?, " + p + "_detached_at = null"
                        + " where id = ? and state <> 'ended'")
                .params(session, callId).update() == 1);
    }

    /** The session closed: every call it carried has that side detached from now on. */
    List<CallRow> detach(String session) {
        Instant now = now();
        List<String> ids = jdbc.sql("select id from calls where state <> 'ended' and (caller_session = ? or callee_session = ?)")
                .params(session, session).query(String.class).list();
        for (String id : ids) {
            tx.executeWithoutResult(st -> {
                jdbc.sql("update calls set caller_session = null, caller_detached_at = ? where id = ? and caller_session = ?")
                        .params(ts(now), id, session).update();
                jdbc.sql("update calls set callee_session = null, callee_detached_at = ? where id = ? and callee_session = ?")
                        .params(ts(now), id, session).update();
            });
        }
        return ids.stream().map(this::find).flatMap(Optional::stream).toList();
    }

    /**
     * Stores a signal for {@code recipient}'s side, numbered (from 1 per call and recipient, gapless) under the call's
     * row lock; {@code payload} renders it with its seq. Returns it with the session carrying the recipient now.
     */
    StoredSignal signal(String callId, Side recipient, java.util.function.LongFunction<String> payload) {
        String p = recipient == Side.CALLER ? "caller" : "callee";
        return tx.execute(st -> {
            jdbc.sql("update calls set " + p + "_signals = " + p + "_signals + 1 where id = ?").param(callId).update();
            StoredSignal s = jdbc.sql("select " + p + "_signals, " + p + "_session from calls where id = ?").param(callId)
                    .query((rs, n) -> new StoredSignal(rs.getLong(1), payload.apply(rs.getLong(1)), rs.getString(2))).single();
            jdbc.sql("insert into call_signals (call_id, recipient, seq, payload, at) values (?, ?, ?, ?, ?)")
                    .params(callId, recipient.label(), s.seq(), s.payload(), ts(now())).update();
            return s;
        });
    }

    /** Calls not ended with a side carried by some session (the timers check those sessions are still there). */
    List<CallRow> carried() {
        return jdbc.sql("select " + COLUMNS + " from calls where state <> 'ended' and (caller_session is not null or callee_session is not null)")
                .query(CallLedger::row).list();
    }

    /** {@code side} is detached from now, if {@code session} still carries it. */
    Optional<CallRow> detach(String callId, Side side, String session) {
        String p = side == Side.CALLER ? "caller" : "callee";
        Instant now = now();
        return transition(callId, st -> jdbc.sql("update calls set " + p + "_session = null, " + p + "_detached_at = ?"
                        + " where id = ? and state <> 'ended' and " + p + "_session = ?")
                .params(ts(now), callId, session).update() == 1);
    }

    record StoredSignal(long seq, String payload, String carrier) {}

    List<StoredSignal> signalsAfter(String callId, Side recipient, long after) {
        return jdbc.sql("select seq, payload from call_signals where call_id = ? and recipient = ? and seq > ? order by seq")
                .params(callId, recipient.label(), after)
                .query((rs, n) -> new StoredSignal(rs.getLong(1), rs.getString(2), null)).list();
    }

    record Quality(Side side, long bytesReceived, long packetsReceived, long packetsLost, Double jitter,
                   Double roundTripTime, Long framesDecoded, String candidateType, boolean relayed) {}

    /**
     * Replaces {@code q.side()}'s last report; true when it is relayed and the call had never been counted relayed
     * before (the call's flag, set once: of two sides reporting relayed at once on two nodes one counts the call, and
     * an ICE restart away from the relay and back does not count it again).
     */
    boolean report(String callId, Quality q) {
        return Boolean.TRUE.equals(tx.execute(st -> {
            jdbc.sql("select id from calls where id = ? for update").param(callId).query(String.class).list();
            boolean firstRelayed = q.relayed() && jdbc.sql("update calls set relay_counted = true where id = ? and relay_counted = false")
                    .param(callId).update() == 1;
            jdbc.sql("delete from call_quality where call_id = ? and side = ?").params(callId, q.side().label()).update();
            jdbc.sql("insert into call_quality (call_id, side, bytes_received, packets_received, packets_lost, jitter,"
                            + " round_trip_time, frames_decoded, candidate_type, relayed, reported_at)"
                            + " values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .params(callId, q.side().label(), q.bytesReceived(), q.packetsReceived(), q.packetsLost(), q.jitter(),
                            q.roundTripTime(), q.framesDecoded(), q.candidateType(), q.relayed(), ts(now()))
                    .update();
            return firstRelayed;
        }));
    }

    /** How many calls are in each state but ended (the index on state serves it). */
    Map<String, Long> liveByState() {
        Map<String, Long> counts = new java.util.HashMap<>();
        jdbc.sql("select state, count(*) from calls where state in ('ringing', 'connected', 'held') group by state")
                .query(rs -> {
                    counts.put(rs.getString(1), rs.getLong(2));
                });
        return counts;
    }

    List<Quality> quality(String callId) {
        return jdbc.sql("select side, bytes_received, packets_received, packets_lost, jitter, round_trip_time, frames_decoded,"
                        + " candidate_type, relayed from call_quality where call_id = ? order by side desc")
                .param(callId)
                .query((rs, n) -> new Quality("caller".equals(rs.getString(1)) ? Side.CALLER : Side.CALLEE, rs.getLong(2),
                        rs.getLong(3), rs.getLong(4), (Double) rs.getObject(5), (Double) rs.getObject(6),
                        (Long) rs.getObject(7) == null ? null : rs.getLong(7), rs.getString(8), rs.getBoolean(9)))
                .list();
    }

    record Event(int seq, String state, Instant at, Party by, String reason) {}

    List<Event> events(String callId) {
        return jdbc.sql("select seq, state, at, by_kind, by_id, reason from call_events where call_id = ? order by seq")
                .param(callId)
                .query((rs, n) -> new Event(rs.getInt(1), rs.getString(2), rs.getTimestamp(3).toInstant(),
                        rs.getString(4) == null ? null : new Party(rs.getString(4), rs.getString(5)), rs.getString(6)))
                .list();
    }

    /** Calls not ended that belong to a conversation (they end when it is closed). */
    List<CallRow> liveOnConversations() {
        return jdbc.sql("select " + COLUMNS + " from calls where state <> 'ended' and conversation_id is not null").query(CallLedger::row).list();
    }

    /** Customers' calls waiting for the agent routing assigns to their conversation. */
    List<CallRow> queued() {
        return jdbc.sql("select " + COLUMNS + " from calls where state = 'ringing' and callee_id is null").query(CallLedger::row).list();
    }

    /** Ringing calls whose ring timeout passed (the timers end them no_answer). */
    List<String> ringingPast(Instant now) {
        return jdbc.sql("select id from calls where state = 'ringing' and ring_expires_at <= ?").param(ts(now)).query(String.class).list();
    }

    /** Calls with a side detached since before {@code before} (the timers end them peer_gone). */
    List<CallRow> detachedSince(Instant before) {
        return jdbc.sql("select " + COLUMNS + " from calls where state <> 'ended' and (caller_detached_at <= ? or callee_detached_at <= ?)")
                .params(ts(before), ts(before)).query(CallLedger::row).list();
    }

    /** The call as committed after {@code change}, or empty when it was not in a state it may leave so. */
    private Optional<CallRow> transition(String callId, TransactionCallback<Boolean> change) {
        Boolean done = tx.execute(change);
        return Boolean.TRUE.equals(done) ? find(callId) : Optional.empty();
    }

    private void event(String callId, String state, Instant at, Party by, String reason) {
        jdbc.sql("update calls set events = events + 1 where id = ?").param(callId).update();
        int seq = jdbc.sql("select events from calls where id = ?").param(callId).query(Integer.class).single();
        jdbc.sql("insert into call_events (call_id, seq, state, at, by_kind, by_id, reason) values (?, ?, ?, ?, ?, ?, ?)")
                .params(callId, seq, state, ts(at), by == null ? null : by.kind(), by == null ? null : by.id(), reason)
                .update();
    }

    private static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        Timestamp t = rs.getTimestamp(column);
        return t == null ? null : t.toInstant();
    }

    private static CallRow row(ResultSet rs, int n) throws SQLException {
        String calleeKind = rs.getString("callee_kind");
        String endedByKind = rs.getString("ended_by_kind");
        return new CallRow(rs.getString("id"), rs.getString("org_id"), rs.getString("media"), rs.getString("state"),
                new Party(rs.getString("caller_kind"), rs.getString("caller_id")),
                calleeKind == null ? null : new Party(calleeKind, rs.getString("callee_id")),
                rs.getString("conversation_id"), rs.getString("queue_id"), rs.getString("caller_session"),
                rs.getString("callee_session"), instant(rs, "caller_detached_at"), instant(rs, "callee_detached_at"),
                rs.getBoolean("caller_muted"), rs.getBoolean("callee_muted"), instant(rs, "ring_expires_at"),
                instant(rs, "created_at"), instant(rs, "answered_at"), instant(rs, "ended_at"),
                endedByKind == null ? null : new Party(endedByKind, rs.getString("ended_by_id")),
                rs.getString("end_reason"), rs.getString("end_code"));
    }

    private static String newId() {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        return "call_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
