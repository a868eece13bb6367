package org.deskframe.routing.internal;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.deskframe.routing.AgentStatus;
import org.deskframe.routing.QueueRouting;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Routing's tables (V6__routing.sql). Every change of a conversation's state or an agent's load is a conditional
 * update that says which state it expects, so whichever node or thread comes second changes nothing and learns it
 * from the row count. The callers hold the transactions.
 */
@Repository
class RoutingStore {

    static final int DEFAULT_OFFER_TIMEOUT = 30;
    static final int DEFAULT_CAPACITY = 3;

    private final JdbcClient jdbc;
    private final RoutingChanges changes;
    private final RoutingMetrics metrics;

    RoutingStore(JdbcClient jdbc, RoutingChanges changes, RoutingMetrics metrics) {
        this.jdbc = jdbc;
        this.changes = changes;
        this.metrics = metrics;
    }

    /** Waiting conversations per queue of every org, with the oldest one's enqueue time (for the metrics). */
    List<QueueWait> waitingByQueue() {
        return jdbc.sql("select org_id, queue_id, count(*), min(enqueued_at) from routing_work where state = 'waiting' "
                        + "group by org_id, queue_id")
                .query((rs, n) -> new QueueWait(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()))
                .list();
    }

    record QueueWait(String orgId, String queueId, long waiting, Instant oldestSince) {}

    // --- queues

    record QueueRow(String queueId, String orgId, int offerTimeoutSeconds, boolean autoAccept, boolean wrapUpRequired,
                    int acwSeconds, Set<String> requiredSkills) {}

    /** Inserts the queue's routing row: a {@link DuplicateKeyException} when another session or node created it first. */
    void createQueue(String queueId, String orgId) {
        jdbc.sql("insert into routing_queues (queue_id, org_id, offer_timeout_seconds, auto_accept, wrapup_required, acw_seconds, "
                + "required_skills, next_arrival) values (?, ?, ?, false, false, 0, '', 1)")
                .params(queueId, orgId, DEFAULT_OFFER_TIMEOUT).update();
    }

    Optional<QueueRow> findQueue(String queueId) {
        return jdbc.sql(QUEUE_COLUMNS + " where queue_id = ?").param(queueId).query(RoutingStore::queueRow).optional();
    }

    /** Reads the queue's row and locks it until commit: the dispatches of one queue are serialised across nodes. */
    Optional<QueueRow> lockQueue(String queueId) {
        return jdbc.sql(QUEUE_COLUMNS + " where queue_id = ? for update").param(queueId).query(RoutingStore::queueRow).optional();
    }

    void updateQueue(String queueId, int offerTimeout, boolean autoAccept, boolean wrapUpRequired, int acwSeconds, Set<String> skills) {
        jdbc.sql("update routing_queues set offer_timeout_seconds = ?, auto_accept = ?, wrapup_required = ?, acw_seconds = ?, "
                + "required_skills = ? where queue_id = ?").params(offerTimeout, autoAccept, wrapUpRequired, acwSeconds, words(skills), queueId).update();
    }

    List<QueueRouting.WrapUpCode> wrapUpCodes(String queueId) {
        return jdbc.sql("select code, label from routing_wrapup_codes where queue_id = ? order by code").param(queueId)
                .query((rs, n) -> new QueueRouting.WrapUpCode(rs.getString(1), rs.getString(2))).list();
    }

    void replaceWrapUpCodes(String queueId, List<QueueRouting.WrapUpCode> codes) {
        jdbc.sql("delete from routing_wrapup_codes where queue_id = ?").param(queueId).update();
        for (QueueRouting.WrapUpCode c : codes) {
            jdbc.sql("insert into routing_wrapup_codes (queue_id, code, label) values (?, ?, ?)").params(queueId, c.code(), c.label()).update();
        }
    }

    List<String> members(String queueId) {
        return jdbc.sql("select agent_id from routing_queue_members where queue_id = ? order by agent_id").param(queueId).query(String.class).list();
    }

    boolean addMember(String queueId, String agentId, Instant now) {
        if (jdbc.sql("select count(*) from routing_queue_members where queue_id = ? and agent_id = ?").params(queueId, agentId)
                .query(Integer.class).single() > 0) return false;
        try {
            jdbc.sql("insert into routing_queue_members (queue_id, agent_id, added_at) values (?, ?, ?)").params(queueId, agentId, ts(now)).update();
            changes.agentChanged(agentId);
            return true;
        } catch (DuplicateKeyException raced) {
            return false;
        }
    }

    void removeMember(String queueId, String agentId) {
        changes.agentChanged(agentId);
        jdbc.sql("delete from routing_queue_members where queue_id = ? and agent_id = ?").params(queueId, agentId).update();
    }

    /** A member of a queue with its routing row's standing; status null when routing has no row for the agent yet. */
    record MemberStanding(String queueId, String agentId, AgentStatus status, int load, int capacity) {}

    /** Every member of the org's queues, by queue then agent: one statement for what each view lists per member. */
    List<MemberStanding> membersOfOrg(String orgId) {
        return jdbc.sql("select m.queue_id, m.agent_id, a.status, a.load_count, a.capacity from routing_queue_members m "
                        + "join routing_queues q on q.queue_id = m.queue_id left join routing_agents a on a.agent_id = m.agent_id "
                        + "where q.org_id = ? order by m.queue_id, m.agent_id").param(orgId)
                .query((rs, n) -> {
                    String status = rs.getString(3);
                    return status == null ? new MemberStanding(rs.getString(1), rs.getString(2), null, 0, DEFAULT_CAPACITY)
                            : new MemberStanding(rs.getString(1), rs.getString(2), AgentStatus.ofLabel(status).orElse(AgentStatus.OFFLINE),
                                    rs.getInt(4), rs.getInt(5));
                }).list();
    }

    /** Waiting conversations per queue of one org (the transfer options' counts). */
    List<QueueWait> waitingByQueue(String orgId) {
        return jdbc.sql("select org_id, queue_id, count(*), min(enqueued_at) from routing_work where org_id = ? and state = 'waiting' "
                        + "group by org_id, queue_id").param(orgId)
                .query((rs, n) -> new QueueWait(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getTimestamp(4).toInstant()))
                .list();
    }

    List<String> queuesOf(String agentId) {
        return jdbc.sql("select queue_id from routing_queue_members where agent_id = ? order by queue_id").param(agentId).query(String.class).list();
    }

    /** Queues with waiting work (the sweeper's safety net after a restart or a lost trigger). */
    List<String> queuesWithWaitingWork() {
        return jdbc.sql("select distinct queue_id from routing_work where state = 'waiting'").query(String.class).list();
    }

    /** Open conversations of an org's queues by state, with the oldest waiting one's time (for the supervisor view). */
    record QueueLoad(String queueId, String state, int count, Instant oldestEnqueuedAt) {}

    List<QueueLoad> openWorkByQueue(String orgId) {
        return jdbc.sql("select queue_id, state, count(*), min(enqueued_at) from routing_work where org_id = ? and state <> 'closed' "
                + "group by queue_id, state").param(orgId)
                .query((rs, n) -> new QueueLoad(rs.getString(1), rs.getString(2), rs.getInt(3),
                        rs.getTimestamp(4) == null ? null : rs.getTimestamp(4).toInstant())).list();
    }

    // --- agents

    record AgentRow(String agentId, String orgId, AgentStatus status, Instant statusSince, int capacity, int load,
                    Instant idleSince, int ignoredOffers, Set<String> skills, Instant acwUntil, Instant disconnectedAt) {}

    /** Inserts the agent's routing row: a {@link DuplicateKeyException} when another session or node created it first. */
    void createAgent(String agentId, String orgId, Instant now) {
        jdbc.sql("insert into routing_agents (agent_id, org_id, status, status_since, capacity, load_count, idle_since, ignored_offers, skills) "
                + "values (?, ?, 'offline', ?, ?, 0, ?, 0, '')").params(agentId, orgId, ts(now), DEFAULT_CAPACITY, ts(now)).update();
        changes.orgChanged(orgId);
    }

    Optional<AgentRow> findAgent(String agentId) {
        return jdbc.sql(AGENT_COLUMNS + " where agent_id = ?").param(agentId).query(RoutingStore::agentRow).optional();
    }

    /** An agent's routing row and the conversations offered to it and assigned to it, each in arrival order. */
    record AgentStanding(AgentRow agent, List<WorkRow> offered, List<WorkRow> assigned) {}

    /** {@link #findAgent} and {@link #ofAgent} for both open states, in one read (what a new agent session is told). */
    Optional<AgentStanding> findAgentStanding(String agentId) {
        return jdbc.sql(STANDING).param(agentId).query(rs -> {
            if (!rs.next()) return Optional.<AgentStanding>empty();
            AgentRow agent = agentAt(rs, 0);
            List<WorkRow> offered = new ArrayList<>(), assigned = new ArrayList<>();
            do {
                if (rs.getString(AGENT_FIELDS.size() + 1) == null) continue;
                WorkRow w = workAt(rs, AGENT_FIELDS.size());
                (w.state().equals("offered") ? offered : assigned).add(w);
            } while (rs.next());
            return Optional.of(new AgentStanding(agent, List.copyOf(offered), List.copyOf(assigned)));
        });
    }

    /** The queue's members who could be offered work now (available with free capacity), unlocked. */
    List<AssignmentRule.Candidate> candidates(String queueId) {
        return jdbc.sql("select a.agent_id, a.load_count, a.capacity, a.idle_since, a.skills from routing_queue_members m "
                        + "join routing_agents a on a.agent_id = m.agent_id where m.queue_id = ? and a.status = 'available' "
                        + "and a.load_count < a.capacity").param(queueId)
                .query((rs, n) -> new AssignmentRule.Candidate(rs.getString(1), true, rs.getInt(2), rs.getInt(3),
                        rs.getTimestamp(4).toInstant(), set(rs.getString(5))))
                .list();
    }

    /**
     * The capacity invariant: one more offer or assignment for the agent only if it is available and below capacity
     * at the moment the row is updated (under its row lock). False when it is not (anymore).
     */
    boolean takeSlot(String agentId, Instant now) {
        changes.agentChanged(agentId);
        return jdbc.sql("update routing_agents set load_count = load_count + 1, idle_since = ? where agent_id = ? "
                + "and status = 'available' and load_count < capacity").params(ts(now), agentId).update() == 1;
    }

    /** A transfer's target may be busy or away (a colleague hands it over), but not offline, and never above capacity. */
    boolean takeSlotForTransfer(String agentId) {
        changes.agentChanged(agentId);
        return jdbc.sql("update routing_agents set load_count = load_count + 1 where agent_id = ? "
                + "and status <> 'offline' and load_count < capacity").param(agentId).update() == 1;
    }

    void releaseSlot(String agentId, Instant now, boolean conversationEnded) {
        changes.agentChanged(agentId);
        jdbc.sql("update routing_agents set load_count = load_count - 1" + (conversationEnded ? ", idle_since = ?" : "")
                + " where agent_id = ? and load_count > 0")
                .params(conversationEnded ? new Object[]{ts(now), agentId} : new Object[]{agentId}).update();
    }

    /** Sets the status unless it is already that; true when it changed. */
    boolean setStatus(String agentId, AgentStatus status, Instant now) {
        changes.agentChanged(agentId);
        return jdbc.sql("update routing_agents set status = ?, status_since = ?, acw_until = null"
                        + (status == AgentStatus.AVAILABLE ? ", idle_since = ?, ignored_offers = 0" : "")
                        + " where agent_id = ? and status <> ?")
                .params(status == AgentStatus.AVAILABLE ? new Object[]{status.label(), ts(now), ts(now), agentId, status.label()}
                        : new Object[]{status.label(), ts(now), agentId, status.label()})
                .update() == 1;
    }

    boolean startAfterContactWork(String agentId, Instant now, Instant until) {
        changes.agentChanged(agentId);
        return jdbc.sql("update routing_agents set status = 'after_contact_work', status_since = ?, acw_until = ? "
                + "where agent_id = ? and status in ('available', 'after_contact_work')").params(ts(now), ts(until), agentId).update() == 1;
    }

    List<String> afterContactWorkOver(Instant now) {
        return jdbc.sql("select agent_id from routing_agents where status = 'after_contact_work' and acw_until <= ?").param(ts(now))
                .query(String.class).list();
    }

    boolean endAfterContactWork(String agentId, Instant now) {
        changes.agentChanged(agentId);
        return jdbc.sql("update routing_agents set status = 'available', status_since = ?, acw_until = null, idle_since = ? "
                + "where agent_id = ? and status = 'after_contact_work' and acw_until <= ?").params(ts(now), ts(now), agentId, ts(now)).update() == 1;
    }

    /** Counts an ignored offer; the new count. */
    int ignoredOffer(String agentId) {
        jdbc.sql("update routing_agents set ignored_offers = ignored_offers + 1 where agent_id = ?").param(agentId).update();
        return jdbc.sql("select ignored_offers from routing_agents where agent_id = ?").param(agentId).query(Integer.class).single();
    }

    void answeredOffer(String agentId) {
        jdbc.sql("update routing_agents set ignored_offers = 0 where agent_id = ? and ignored_offers <> 0").param(agentId).update();
    }

    void setCapacityAndSkills(String agentId, Integer capacity, Set<String> skills) {
        changes.agentChanged(agentId);
        if (capacity != null) jdbc.sql("update routing_agents set capacity = ? where agent_id = ?").params(capacity, agentId).update();
        if (skills != null) jdbc.sql("update routing_agents set skills = ? where agent_id = ?").params(words(skills), agentId).update();
    }

    void disconnected(String agentId, Instant now) {
        jdbc.sql("update routing_agents set disconnected_at = ? where agent_id = ? and disconnected_at is null and status <> 'offline'")
                .params(ts(now), agentId).update();
    }

    void connected(String agentId) {
        jdbc.sql("update routing_agents set disconnected_at = null where agent_id = ? and disconnected_at is not null").param(agentId).update();
    }

    List<String> disconnectedBefore(Instant cutoff) {
        return jdbc.sql("select agent_id from routing_agents where disconnected_at <= ? and status <> 'offline'").param(ts(cutoff))
                .query(String.class).list();
    }

    /** Agents that count as online but whose last session closure no node recorded (a node died, or restarted). */
    List<String> onlineWithoutRecordedDisconnect() {
        return jdbc.sql("select agent_id from routing_agents where status <> 'offline' and disconnected_at is null").query(String.class).list();
    }

    // --- work

    record WorkRow(String conversationId, String orgId, String queueId, long arrival, String state, String customerId,
                   String customer, Set<String> requiredSkills, Instant enqueuedAt, String agentId, String offerId,
                   Instant offerExpiresAt, Instant assignedAt, Set<String> passedBy, Integer announcedPosition) {}

    /**
     * A new conversation waiting in its queue, behind every place taken before: its arrival number comes from one
     * database sequence ({@code routing_arrivals}, V12), so an arrival locks nothing and arrivals commit side by side.
     * The caller has checked that the conversation is not routed yet (a duplicate key would abort PostgreSQL's transaction).
     */
    /**
     * Queues the conversation unless it is queued already (a redelivered event), in one statement; whether it did. The
     * casts are for PostgreSQL, which types a select list's parameters as text.
     */
    boolean insertWorkUnlessQueued(String conversationId, String orgId, String queueId, String customerId, String customerJson,
                                   Set<String> skills, Instant now) {
        return jdbc.sql("insert into routing_work (conversation_id, org_id, queue_id, arrival, state, customer_id, customer, required_skills, "
                        + "enqueued_at, last_activity_at, passed_by) select ?, ?, ?, " + NEXT_ARRIVAL + ", 'waiting', ?, ?, ?, "
                        + "cast(? as timestamp), cast(? as timestamp), '' where not exists "
                        + "(select 1 from routing_work where conversation_id = ?)")
                .params(conversationId, orgId, queueId, customerId, customerJson, words(skills), ts(now), ts(now), conversationId)
                .update() == 1;
    }

    /** The next place in a queue, any queue: H2 and PostgreSQL both know {@code nextval}; a rolled-back arrival leaves a gap. */
    private static final String NEXT_ARRIVAL = "nextval('routing_arrivals')";

    Optional<WorkRow> findWork(String conversationId) {
        return jdbc.sql(WORK_COLUMNS + " where conversation_id = ?").param(conversationId).query(RoutingStore::workRow).optional();
    }

    /** The row, locked until commit. */
    Optional<WorkRow> lockWork(String conversationId) {
        return jdbc.sql(WORK_COLUMNS + " where conversation_id = ? for update").param(conversationId).query(RoutingStore::workRow).optional();
    }

    /** The queue's waiting conversations in arrival order. */
    List<WorkRow> waiting(String queueId, int limit) {
        return jdbc.sql(WORK_COLUMNS + " where queue_id = ? and state = 'waiting' order by arrival limit ?").params(queueId, limit)
                .query(RoutingStore::workRow).list();
    }

    boolean offer(String conversationId, String agentId, String offerId, Instant expiresAt) {
        return jdbc.sql("update routing_work set state = 'offered', agent_id = ?, offer_id = ?, offer_expires_at = ?, announced_position = null "
                + "where conversation_id = ? and state = 'waiting'").params(agentId, offerId, ts(expiresAt), conversationId).update() == 1;
    }

    boolean assignWaiting(String conversationId, String agentId, Instant now) {
        return jdbc.sql("update routing_work set state = 'assigned', agent_id = ?, offer_id = null, offer_expires_at = null, assigned_at = ?, "
                + "agent_replied_at = null, announced_position = null where conversation_id = ? and state = 'waiting'")
                .params(agentId, ts(now), conversationId).update() == 1;
    }

    /** accept: only the open, unexpired offer to this agent. */
    boolean acceptOffer(String conversationId, String agentId, Instant now) {
        return jdbc.sql("update routing_work set state = 'assigned', assigned_at = ?, agent_replied_at = null, offer_id = null, offer_expires_at = null "
                + "where conversation_id = ? and state = 'offered' and agent_id = ? and offer_expires_at > ?")
                .params(ts(now), conversationId, agentId, ts(now)).update() == 1;
    }

    /** Takes an offer back to waiting (declined, expired, withdrawn); {@code offerId} null: whichever offer is open. */
    boolean withdrawOffer(String conversationId, String agentId, String offerId, boolean passed) {
        String sql = "update routing_work set state = 'waiting', agent_id = null, offer_id = null, offer_expires_at = null"
                + (passed ? ", passed_by = " + appendOnce() : "")
                + " where conversation_id = ? and state = 'offered' and agent_id = ?" + (offerId != null ? " and offer_id = ?" : "");
        List<Object> params = new java.util.ArrayList<>();
        if (passed) {
            params.add("% " + agentId + " %");
            params.add(" " + agentId);
        }
        params.add(conversationId);
        params.add(agentId);
        if (offerId != null) params.add(offerId);
        return jdbc.sql(sql).params(params).update() == 1;
    }

    /** Back to waiting at its original place (its arrival is kept). */
    boolean requeueAssigned(String conversationId, String agentId) {
        return jdbc.sql("update routing_work set state = 'waiting', agent_id = null, assigned_at = null, passed_by = " + appendOnce()
                + " where conversation_id = ? and state = 'assigned' and agent_id = ?").params("% " + agentId + " %", " " + agentId, conversationId, agentId).update() == 1;
    }

    boolean reassign(String conversationId, String fromAgent, String toAgent, Instant now) {
        return jdbc.sql("update routing_work set agent_id = ?, assigned_at = ?, agent_replied_at = null where conversation_id = ? "
                + "and state = 'assigned' and agent_id = ?").params(toAgent, ts(now), conversationId, fromAgent).update() == 1;
    }

    /** A transfer to a queue: a new place there, at the end of its line. */
    boolean moveToQueue(String conversationId, String fromAgent, String queueId, Set<String> skills) {
        return jdbc.sql("update routing_work set queue_id = ?, arrival = " + NEXT_ARRIVAL + ", state = 'waiting', agent_id = null, "
                        + "assigned_at = null, passed_by = '', required_skills = ?, announced_position = null where conversation_id = ? "
                        + "and state = 'assigned' and agent_id = ?")
                .params(queueId, words(skills), conversationId, fromAgent).update() == 1;
    }

    boolean close(String conversationId, String expectedState, Instant now) {
        return jdbc.sql("update routing_work set state = 'closed', closed_at = ?, offer_id = null, offer_expires_at = null, announced_position = null "
                + "where conversation_id = ? and state = ?").params(ts(now), conversationId, expectedState).update() == 1;
    }

    List<WorkRow> offersExpiredBy(Instant now) {
        return jdbc.sql(WORK_COLUMNS + " where state = 'offered' and offer_expires_at <= ?").param(ts(now)).query(RoutingStore::workRow).list();
    }

    List<WorkRow> ofAgent(String agentId, String state) {
        return jdbc.sql(WORK_COLUMNS + " where agent_id = ? and state = ? order by arrival").params(agentId, state).query(RoutingStore::workRow).list();
    }

    List<WorkRow> unansweredSince(Instant cutoff) {
        return jdbc.sql(WORK_COLUMNS + " where state = 'assigned' and agent_replied_at is null and assigned_at <= ?").param(ts(cutoff))
                .query(RoutingStore::workRow).list();
    }

    List<WorkRow> inactiveSince(Instant cutoff) {
        return jdbc.sql(WORK_COLUMNS + " where state <> 'closed' and last_activity_at <= ?").param(ts(cutoff)).query(RoutingStore::workRow).list();
    }

    /**
     * Keeps a routed conversation's activity time within {@code resolution} of its last message, and stamps its
     * assigned agent's first reply: a message that changes neither matches no row, so nothing is written or committed.
     */
    void activity(String conversationId, String agentSender, Instant now, Duration resolution) {
        Timestamp stale = ts(now.minus(resolution));
        if (agentSender == null) {
            jdbc.sql("update routing_work set last_activity_at = ? where conversation_id = ? and state <> 'closed' and (last_activity_at is null or last_activity_at < ?)")
                    .params(ts(now), conversationId, stale).update();
        } else {
            jdbc.sql("update routing_work set last_activity_at = case when last_activity_at is null or last_activity_at < ? then ? else last_activity_at end, "
                    + "agent_replied_at = case when agent_id = ? and agent_replied_at is null then ? else agent_replied_at end "
                    + "where conversation_id = ? and state <> 'closed' and (last_activity_at is null or last_activity_at < ? or (agent_id = ? and agent_replied_at is null))")
                    .params(stale, ts(now), agentSender, ts(now), conversationId, stale, agentSender).update();
        }
    }

    void announcePosition(String conversationId, int position) {
        jdbc.sql("update routing_work set announced_position = ? where conversation_id = ?").params(position, conversationId).update();
    }

    /** Handling times (assigned to closed) of the queue's latest closed conversations, in seconds. */
    List<Long> recentHandleSeconds(String queueId, int limit) {
        return jdbc.sql("select assigned_at, closed_at from routing_work where queue_id = ? and state = 'closed' and assigned_at is not null "
                        + "order by closed_at desc limit ?").params(queueId, limit)
                .query((rs, n) -> (rs.getTimestamp(2).getTime() - rs.getTimestamp(1).getTime()) / 1000).list();
    }

    // --- audit

    record EventRow(long id, String conversationId, Instant at, String kind, String queueId, String agentId, String actor,
                    String reason, String detail) {}

    void record(String conversationId, String orgId, Instant at, String kind, String queueId, String agentId, String actor,
                String reason, String detail) {
        changes.orgChanged(orgId);
        metrics.recorded(kind);
        jdbc.sql("insert into routing_events (conversation_id, org_id, occurred_at, kind, queue_id, agent_id, actor, reason, detail) "
                + "values (?, ?, ?, ?, ?, ?, ?, ?, ?)").params(conversationId, orgId, ts(at), kind, queueId, agentId, actor, reason, detail).update();
    }

    List<EventRow> events(String conversationId) {
        return jdbc.sql("select id, conversation_id, occurred_at, kind, queue_id, agent_id, actor, reason, detail from routing_events "
                        + "where conversation_id = ? order by id").param(conversationId)
                .query((rs, n) -> new EventRow(rs.getLong(1), rs.getString(2), rs.getTimestamp(3).toInstant(), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8), rs.getString(9)))
                .list();
    }

    // --- mapping

    private static final String QUEUE_COLUMNS = "select queue_id, org_id, offer_timeout_seconds, auto_accept, wrapup_required, "
            + "acw_seconds, required_skills from routing_queues";
    private static final List<String> AGENT_FIELDS = List.of("agent_id", "org_id", "status", "status_since", "capacity",
            "load_count", "idle_since", "ignored_offers", "skills", "acw_until", "disconnected_at");
    private static final List<String> WORK_FIELDS = List.of("conversation_id", "org_id", "queue_id", "arrival", "state",
            "customer_id", "customer", "required_skills", "enqueued_at", "agent_id", "offer_id", "offer_expires_at",
            "assigned_at", "passed_by", "announced_position");
    private static final String AGENT_COLUMNS = "select " + String.join(", ", AGENT_FIELDS) + " from routing_agents";
    private static final String WORK_COLUMNS = "select " + String.join(", ", WORK_FIELDS) + " from routing_work";
    /** The agent's row beside its open work (one row per offered or assigned conversation, or one with no work). */
    private static final String STANDING = "select " + AGENT_FIELDS.stream().map(f -> "a." + f).collect(Collectors.joining(", "))
            + ", " + WORK_FIELDS.stream().map(f -> "w." + f).collect(Collectors.joining(", "))
            + " from routing_agents a left join routing_work w on w.agent_id = a.agent_id and w.state in ('offered', 'assigned')"
            + " where a.agent_id = ? order by w.arrival";

    private static QueueRow queueRow(ResultSet rs, int n) throws SQLException {
        return new QueueRow(rs.getString(1), rs.getString(2), rs.getInt(3), rs.getBoolean(4), rs.getBoolean(5), rs.getInt(6), set(rs.getString(7)));
    }

    private static AgentRow agentRow(ResultSet rs, int n) throws SQLException {
        return agentAt(rs, 0);
    }

    /** The agent columns in {@link #AGENT_FIELDS}' order, after {@code before} other columns. */
    private static AgentRow agentAt(ResultSet rs, int before) throws SQLException {
        int c = before;
        return new AgentRow(rs.getString(c + 1), rs.getString(c + 2), AgentStatus.ofLabel(rs.getString(c + 3)).orElse(AgentStatus.OFFLINE),
                instant(rs.getTimestamp(c + 4)), rs.getInt(c + 5), rs.getInt(c + 6), instant(rs.getTimestamp(c + 7)), rs.getInt(c + 8),
                set(rs.getString(c + 9)), instant(rs.getTimestamp(c + 10)), instant(rs.getTimestamp(c + 11)));
    }

    private static WorkRow workRow(ResultSet rs, int n) throws SQLException {
        return workAt(rs, 0);
    }

    /** The work columns in {@link #WORK_FIELDS}' order, after {@code before} other columns. */
    private static WorkRow workAt(ResultSet rs, int before) throws SQLException {
        int c = before;
        // Read as an object: wasNull() after the other columns would tell of the last one read, not of this one.
        Integer position = rs.getObject(c + 15, Integer.class);
        return new WorkRow(rs.getString(c + 1), rs.getString(c + 2), rs.getString(c + 3), rs.getLong(c + 4), rs.getString(c + 5),
                rs.getString(c + 6), rs.getString(c + 7), set(rs.getString(c + 8)), instant(rs.getTimestamp(c + 9)),
                rs.getString(c + 10), rs.getString(c + 11), instant(rs.getTimestamp(c + 12)), instant(rs.getTimestamp(c + 13)),
                set(rs.getString(c + 14)), position);
    }

    /** Adds an agent to passed_by unless it is there already (params: its LIKE pattern, then " agentId"); both dialects. */
    private static String appendOnce() {
        return "case when (' ' || passed_by || ' ') like ? then passed_by else passed_by || ? end";
    }

    static Timestamp ts(Instant i) {
        return i == null ? null : Timestamp.from(i);
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    static Set<String> set(String words) {
        if (words == null || words.isBlank()) return Set.of();
        return Arrays.stream(words.trim().split("\\s+")).collect(Collectors.toCollection(LinkedHashSet::new));
    }

    static String words(Set<String> set) {
        return set == null ? "" : String.join(" ", set);
    }
}
