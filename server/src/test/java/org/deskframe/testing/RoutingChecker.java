package org.deskframe.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The fault suite's routing checker: like {@link DeliveryChecker} it trusts neither the server's API nor its code, only
 * the routing tables read with plain JDBC ({@code routing_events}, the durable audit written in the transaction of each
 * decision; {@code routing_work}; {@code routing_agents}' capacities) and what the agents were told. It replays the
 * audit in the order the database numbered it (never by its times: each is the deciding node's wall clock, and the
 * suite runs one node minutes ahead), and reports conversations offered or assigned to a second agent while one held
 * them, customers' conversations that never reached an agent or were left neither waiting nor with an agent, instants
 * when an agent held more offers and assignments than its capacity, events that release what was not held, and
 * assignments agents were told of that the audit does not hold. Timers it checks on the database's own clock, never a
 * node's: the suite adds a column to the audit that PostgreSQL fills with {@code clock_timestamp()} at each insert
 * ({@link #RECORDED_AT}), and an offer that timed out sooner than the queue's offer timeout after it was made, or an offer
 * or auto-assignment to an agent within its after-contact work after a close, is reported.
 */
public final class RoutingChecker {

    /**
     * The checker's own column of {@code routing_events}: the database's time of each insert, whatever the deciding
     * node's clock said ({@link #recordInsertTimes} adds it).
     */
    public static final String RECORDED_AT = "checker_recorded_at";

    /** Slack for the time between a decision's own instant and its audit row's insert (a loaded machine, a commit). */
    static final java.time.Duration SLACK = java.time.Duration.ofSeconds(1);

    /**
     * A row of {@code routing_events}: its number, conversation, kind, agent and the database's time of its insert
     * (null: not known, the timer checks skip it).
     */
    public record Event(long id, String conversation, String kind, String agent, java.time.Instant recordedAt) {
        public Event(long id, String conversation, String kind, String agent) {
            this(id, conversation, kind, agent, null);
        }
    }

    /** The timers the queues were configured with: how long an offer stays open, after-contact work after a close. */
    public record Timers(java.time.Duration offerTimeout, java.time.Duration afterContactWork) {
        public static final Timers UNCHECKED = new Timers(null, null);
    }

    /** An agent was told it holds {@code conversation} ({@code conversation_assigned}, a reply to accept or a push). */
    public record ToldAssigned(String agent, String conversation) {}

    /** What the checker found; {@link #clean()} needs every count but {@code highestLoad} to be 0. */
    public record Report(int conversations, int assignedTwice, int dropped, int capacityViolations, int unmatchedReleases,
                         int acceptedNotAssigned, int neverClosed, int earlyTimeouts, int offeredInAfterContactWork,
                         Map<String, Integer> highestLoad, Map<String, Integer> kinds) {
        public boolean clean() {
            return assignedTwice == 0 && dropped == 0 && capacityViolations == 0 && unmatchedReleases == 0 && acceptedNotAssigned == 0
                    && earlyTimeouts == 0 && offeredInAfterContactWork == 0;
        }
    }

    /**
     * Adds {@link #RECORDED_AT} to {@code routing_events} (filled by PostgreSQL at each insert): test instrumentation on
     * the suite's own schema, so that the timer checks need no node's clock.
     */
    public static void recordInsertTimes(String jdbcUrl, String user) throws SQLException {
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "");
             java.sql.Statement st = c.createStatement()) {
            st.execute("alter table routing_events add column if not exists " + RECORDED_AT + " timestamptz default clock_timestamp()");
        }
    }

    private RoutingChecker() {}

    /**
     * Reads the audit and the final state of {@code queue}'s conversations and the capacities of its agents, and
     * checks them with what the agents were told; {@code customers} are the conversations customers started (from
     * their own logs: one the database lost would be missing from its rows).
     */
    public static Report check(String jdbcUrl, String user, Collection<String> queues, Collection<String> customers,
                               List<ToldAssigned> told, Timers timers) throws SQLException {
        String in = String.join(", ", java.util.Collections.nCopies(queues.size(), "?"));
        List<Event> events = new ArrayList<>();
        Map<String, String> finalStates = new HashMap<>();
        Map<String, Integer> capacities = new HashMap<>();
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            try (PreparedStatement q = c.prepareStatement("select w.conversation_id, w.state from routing_work w where w.queue_id in (" + in + ")")) {
                bind(q, queues);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) finalStates.put(rs.getString(1), rs.getString(2));
                }
            }
            boolean timed = c.getMetaData().getColumns(null, null, "routing_events", RECORDED_AT).next();
            try (PreparedStatement q = c.prepareStatement("select e.id, e.conversation_id, e.kind, e.agent_id, "
                    + (timed ? "e." + RECORDED_AT : "null") + " from routing_events e "
                    + "where e.conversation_id in (select conversation_id from routing_work where queue_id in (" + in + ")) order by e.id")) {
                bind(q, queues);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) {
                        java.sql.Timestamp at = rs.getTimestamp(5);
                        events.add(new Event(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4), at == null ? null : at.toInstant()));
                    }
                }
            }
            try (PreparedStatement q = c.prepareStatement("select a.agent_id, a.capacity from routing_agents a "
                    + "where a.agent_id in (select agent_id from routing_queue_members where queue_id in (" + in + "))")) {
                bind(q, queues);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) capacities.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        Set<String> conversations = new LinkedHashSet<>(customers);
        conversations.addAll(finalStates.keySet());
        return check(events, capacities, finalStates, conversations, told, timers);
    }

    private static void bind(PreparedStatement q, Collection<String> values) throws SQLException {
        int i = 0;
        for (String v : values) q.setString(++i, v);
    }

    /** A conversation's routing row and audit as the database holds them, for a failure message. */
    public static String history(String jdbcUrl, String user, String conversation) throws SQLException {
        StringBuilder out = new StringBuilder(conversation).append(':');
        try (Connection c = DriverManager.getConnection(jdbcUrl, user, "")) {
            try (PreparedStatement q = c.prepareStatement("select state, agent_id, offer_expires_at, enqueued_at from routing_work where conversation_id = ?")) {
                q.setString(1, conversation);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) out.append(String.format(" state %s agent %s offer expires %s enqueued %s;", rs.getString(1),
                            rs.getString(2), rs.getTimestamp(3), rs.getTimestamp(4)));
                }
            }
            try (PreparedStatement q = c.prepareStatement("select id, occurred_at, kind, agent_id, actor, reason from routing_events "
                    + "where conversation_id = ? order by id")) {
                q.setString(1, conversation);
                try (ResultSet rs = q.executeQuery()) {
                    while (rs.next()) out.append(String.format(" [%d %s %s %s by %s %s]", rs.getLong(1), rs.getTimestamp(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6)));
                }
            }
        }
        return out.toString();
    }

    /** One conversation's replay: who holds an open offer or assignment of it now. */
    private static final class Holding {
        String agent;
        boolean assigned;
        boolean everAssigned;
        boolean twice;
        Set<String> assignedTo = new HashSet<>();
    }

    /**
     * The checks on hand-given rows: {@code events} in the database's order, {@code capacities} by agent,
     * {@code finalStates} ({@code routing_work.state}) by conversation, the customers' {@code conversations}, and what
     * agents were told.
     */
    public static Report check(List<Event> events, Map<String, Integer> capacities, Map<String, String> finalStates,
                               Collection<String> conversations, List<ToldAssigned> told) {
        return check(events, capacities, finalStates, conversations, told, Timers.UNCHECKED);
    }

    /** The same, with the timers checked on the events' {@link Event#recordedAt} where known. */
    public static Report check(List<Event> events, Map<String, Integer> capacities, Map<String, String> finalStates,
                               Collection<String> conversations, List<ToldAssigned> told, Timers timers) {
        int earlyTimeouts = 0, inAfterContactWork = 0;
        // Per conversation and agent, when its open offer was made; per agent, when its last close was.
        Map<String, java.time.Instant> offeredAt = new HashMap<>();
        Map<String, java.time.Instant> closedAt = new HashMap<>();
        Map<String, Holding> holdings = new HashMap<>();
        Map<String, Integer> load = new HashMap<>();
        Map<String, Integer> highest = new TreeMap<>();
        Map<String, Integer> kinds = new TreeMap<>();
        int capacityViolations = 0, unmatched = 0;
        for (Event e : events) {
            kinds.merge(e.kind(), 1, Integer::sum);
            Holding h = holdings.computeIfAbsent(e.conversation(), c -> new Holding());
            if (e.recordedAt() != null && e.agent() != null) {
                String key = e.conversation() + " " + e.agent();
                switch (e.kind()) {
                    case "offered", "assigned" -> {
                        if (e.kind().equals("offered")) offeredAt.put(key, e.recordedAt());
                        java.time.Instant close = closedAt.get(e.agent());
                        if (timers.afterContactWork() != null && close != null
                                && e.recordedAt().isBefore(close.plus(timers.afterContactWork()).minus(SLACK))) inAfterContactWork++;
                    }
                    case "timed_out" -> {
                        java.time.Instant offered = offeredAt.remove(key);
                        if (timers.offerTimeout() != null && offered != null
                                && e.recordedAt().isBefore(offered.plus(timers.offerTimeout()).minus(SLACK))) earlyTimeouts++;
                    }
                    // an agent's close of what it held: its after-contact work starts
                    case "closed" -> {
                        if (h.assigned && e.agent().equals(h.agent)) closedAt.put(e.agent(), e.recordedAt());
                    }
                    default -> offeredAt.remove(key);
                }
            }
            switch (e.kind()) {
                case "offered", "assigned" -> {
                    // A conversation has at most one open offer or assignment.
                    if (h.agent != null) h.twice = true;
                    else h.agent = e.agent();
                    h.assigned = e.kind().equals("assigned");
                    if (h.assigned) assignedTo(h, e.agent());
                    if (take(load, highest, capacities, e.agent())) capacityViolations++;
                }
                case "accepted" -> {
                    // Only the agent holding its open offer can accept it.
                    if (h.agent == null || !h.agent.equals(e.agent()) || h.assigned) unmatched++;
                    else {
                        h.assigned = true;
                        assignedTo(h, e.agent());
                    }
                }
                case "declined", "timed_out", "withdrawn", "requeued" -> {
                    if (h.agent == null || !h.agent.equals(e.agent())) unmatched++;
                    else release(load, h);
                }
                case "transferred" -> {
                    if (h.agent == null || !h.assigned) unmatched++;
                    else release(load, h);
                    if (e.agent() != null) {
                        // to an agent: assigned there at once
                        h.agent = e.agent();
                        h.assigned = true;
                        assignedTo(h, e.agent());
                        if (take(load, highest, capacities, e.agent())) capacityViolations++;
                    }
                }
                case "closed" -> {
                    if (h.agent != null) release(load, h);
                }
                default -> { }
            }
        }
        int twice = 0, dropped = 0, neverClosed = 0;
        for (String conversation : conversations) {
            Holding h = holdings.get(conversation);
            String state = finalStates.get(conversation);
            if (h != null && h.twice) twice++;
            // Never reached an agent, or left with none and not waiting for one.
            boolean stands = "waiting".equals(state) || "offered".equals(state) || "assigned".equals(state) || "closed".equals(state);
            if (h == null || !h.everAssigned || !stands) dropped++;
            if (!"closed".equals(state)) neverClosed++;
        }
        int acceptedNotAssigned = 0;
        for (ToldAssigned t : told) {
            Holding h = holdings.get(t.conversation());
            if (h == null || !h.assignedTo.contains(t.agent())) acceptedNotAssigned++;
        }
        return new Report(conversations.size(), twice, dropped, capacityViolations, unmatched, acceptedNotAssigned, neverClosed,
                earlyTimeouts, inAfterContactWork, highest, kinds);
    }

    private static void assignedTo(Holding h, String agent) {
        h.everAssigned = true;
        h.assignedTo.add(agent);
    }

    /** One more offer or assignment for {@code agent}; answers whether that took it past its capacity. */
    private static boolean take(Map<String, Integer> load, Map<String, Integer> highest, Map<String, Integer> capacities, String agent) {
        int now = load.merge(agent, 1, Integer::sum);
        highest.merge(agent, now, Math::max);
        Integer capacity = capacities.get(agent);
        return capacity == null || now > capacity;
    }

    private static void release(Map<String, Integer> load, Holding h) {
        load.merge(h.agent, -1, Integer::sum);
        h.agent = null;
        h.assigned = false;
    }
}
