package org.deskframe.routing.internal;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.guest.CustomerProfile;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.CustomerView;
import org.deskframe.routing.AgentStatus;
import org.deskframe.routing.RoutingSettings;
import org.deskframe.routing.internal.RoutingStore.QueueRow;
import org.deskframe.routing.internal.RoutingStore.WorkRow;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The routing engine: every decision is one short transaction over routing's rows (queue row, then work row, then
 * agent rows: always in that order, so transactions never wait on each other in a circle), and its pushes go out
 * after the commit through {@link RoutingNotices}. Nothing routing needs is kept in memory, so any node may take
 * any decision and a restarted node picks up where the database stands.
 */
@Component
class RoutingEngine {

    private static final Logger log = LoggerFactory.getLogger(RoutingEngine.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    static final JsonMapper JSON = JsonMapper.builder().build();

    private final RoutingStore store;
    private final TransactionTemplate tx;
    private final TransactionTemplate ownTx;
    private final Conversations conversations;
    private final AgentDirectory agents;
    private final QueueDirectory queues;
    private final RoutingSettings settings;
    private final RoutingNotices notices;
    private final DispatchRequests dispatches;
    private final Clock clock;
    private final org.springframework.beans.factory.ObjectProvider<org.deskframe.routing.OnCallAgents> onCall;

    RoutingEngine(RoutingStore store, TransactionTemplate tx, Conversations conversations, AgentDirectory agents,
                  QueueDirectory queues, RoutingSettings settings, RoutingNotices notices,
                  org.springframework.beans.factory.ObjectProvider<org.deskframe.routing.OnCallAgents> onCall,
                  org.deskframe.storage.SharedClock sharedClock) {
        this.store = store;
        this.onCall = onCall;
        // A deadlock between nodes aborts one transaction: run it again rather than fail the dispatch or the close.
        this.tx = new RetriedTransactions(java.util.Objects.requireNonNull(tx.getTransactionManager()));
        // Nested: a savepoint on the caller's connection. A transaction of its own would hold the caller's connection
        // while asking the pool for a second, which deadlocked the pool under a burst of first arrivals at a new queue.
        this.ownTx = new TransactionTemplate(java.util.Objects.requireNonNull(tx.getTransactionManager()));
        ownTx.setPropagationBehavior(TransactionDefinition.PROPAGATION_NESTED);
        this.conversations = conversations;
        this.agents = agents;
        this.queues = queues;
        this.settings = settings;
        this.notices = notices;
        // Every node stamps and compares routing's timers on the database's clock: nodes' own clocks may differ.
        this.clock = sharedClock.clock();
        this.dispatches = new DispatchRequests(this::dispatchNow);
        onCall.ifAvailable(calls -> calls.whenCallEnds(this::requestDispatchForAgent));
    }

    Instant now() {
        return clock.instant();
    }

    // --- arrivals

    /**
     * Puts a new customer conversation at the end of its queue. Runs in the publisher's transaction when there is one
     * (the conversation and its place in the queue then commit together); a redelivered event changes nothing.
     */
    boolean enqueue(CustomerConversationStarted e) {
        Instant now = now();
        Optional<Queue> queue = queues.find(e.queueId()).filter(q -> q.orgId().equals(e.orgId()));
        if (queue.isEmpty()) {
            log.warn("conversation {} names queue {}, which organisation {} does not have; it waits there until the queue exists",
                    e.conversationId(), e.queueId(), e.orgId());
        }
        ensureQueue(e.queueId(), e.orgId());
        Boolean inserted = tx.execute(s -> {
            CustomerProfile customer = e.customer();
            Set<String> skills = RoutingStore.set(customer.attributes().get("skills"));
            // No lock on the queue's row: the place comes from a sequence, so arrivals never wait for each other or for
            // a dispatch of their queue (which would hold every new customer's session behind one commit at a time).
            // A redelivered event inserts nothing rather than fail (and so abort) the publisher's transaction.
            if (!store.insertWorkUnlessQueued(e.conversationId(), e.orgId(), e.queueId(), customer.id(),
                    JSON.writeValueAsString(customer), skills, now)) {
                return false;
            }
            store.record(e.conversationId(), e.orgId(), now, "queued", e.queueId(), null, "customer:" + customer.id(), "new_conversation",
                    "deployment " + e.deploymentId());
            return true;
        });
        return Boolean.TRUE.equals(inserted);
    }

    /**
     * Routing's row for a queue or an agent, created on first use behind a savepoint on the caller's connection: a
     * creation race between sessions or nodes then costs the loser only its insert (rolled back to the savepoint,
     * which PostgreSQL needs after an error), never the caller's transaction, and never a second pooled connection.
     */
    void ensureQueue(String queueId, String orgId) {
        if (store.findQueue(queueId).isPresent()) return;
        createOnce(() -> store.createQueue(queueId, orgId));
    }

    private void createOnce(Runnable insert) {
        try {
            ownTx.executeWithoutResult(s -> insert.run());
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            // created meanwhile by another arrival or node: the row is there
        }
    }

    void ensureAgent(String agentId, String orgId) {
        agentRow(agentId, orgId);
    }

    /** The agent's routing row, created on first use: one read when it exists. */
    RoutingStore.AgentRow agentRow(String agentId, String orgId) {
        return store.findAgent(agentId).orElseGet(() -> {
            createAgent(agentId, orgId);
            return store.findAgent(agentId).orElseThrow();
        });
    }

    /** The agent's routing row (created on first use) with its open offers and assignments: one read when it exists. */
    RoutingStore.AgentStanding agentStanding(String agentId, String orgId) {
        return store.findAgentStanding(agentId).orElseGet(() -> {
            createAgent(agentId, orgId);
            return store.findAgentStanding(agentId).orElseThrow();
        });
    }

    private void createAgent(String agentId, String orgId) {
        Instant now = now();
        createOnce(() -> store.createAgent(agentId, orgId, now));
    }

    // --- dispatch

    /** Routes the queue's waiting work soon (coalesced per queue on this node; the database keeps it correct across nodes). */
    void requestDispatch(String queueId) {
        dispatches.request(queueId);
    }

    void requestDispatchForAgent(String agentId) {
        store.queuesOf(agentId).forEach(this::requestDispatch);
    }

    /**
     * Decisions taken in one dispatch transaction at most: under a burst of arrivals one commit (and one read of the
     * candidates and the waiting line) serves many offers, while the queue's row lock is never held for long.
     */
    static final int DECISIONS_PER_TRANSACTION = 50;

    /** Offers (or assigns) waiting work of the queue until no one can take any more, then tells waiting customers their place. */
    void dispatchNow(String queueId) {
        while (true) {
            List<Decision> decided = decideSome(queueId);
            if (decided == null) return; // no routing row for the queue: nothing was ever queued there
            decided.forEach(notices::decided);
            if (decided.size() < DECISIONS_PER_TRANSACTION) break;
        }
        announcePositions(queueId);
    }

    /** What one dispatch transaction decided. */
    record Decision(WorkRow work, String agentId, boolean assigned, Instant expiresAt) {}

    /**
     * One transaction under the queue's lock: the waiting conversations in arrival order, each offered (or assigned) to
     * the best candidate as the rule ranks them, up to {@link #DECISIONS_PER_TRANSACTION}. The candidates' loads are
     * kept up to date in memory as slots are taken (exactly as a fresh read would show them), and each slot is still
     * taken by the conditional update, so a row another node changed meanwhile only costs that candidate. Null when the
     * queue has no routing row.
     */
    private List<Decision> decideSome(String queueId) {
        return tx.execute(s -> {
            Optional<QueueRow> locked = store.lockQueue(queueId);
            if (locked.isEmpty()) return null;
            QueueRow q = locked.get();
            List<AssignmentRule.Candidate> candidates = new ArrayList<>(store.candidates(queueId));
            // An agent on a call is busy: no offer until the call ends.
            org.deskframe.routing.OnCallAgents calls = onCall.getIfAvailable();
            if (calls != null && !candidates.isEmpty()) {
                java.util.Set<String> busy = calls.onCall(candidates.stream().map(AssignmentRule.Candidate::agentId).toList());
                candidates.removeIf(c -> busy.contains(c.agentId()));
            }
            List<Decision> decided = new ArrayList<>();
            Instant now = now();
            for (WorkRow w : candidates.isEmpty() ? List.<WorkRow>of() : store.waiting(queueId, 500)) {
                Decision d = decideOne(q, w, candidates, now);
                if (d != null) decided.add(d);
                if (decided.size() == DECISIONS_PER_TRANSACTION || candidates.isEmpty()) break;
            }
            return decided;
        });
    }

    /** The waiting conversation to the best candidate who can take it, or null when none can (or it is no longer waiting). */
    private Decision decideOne(QueueRow q, WorkRow w, List<AssignmentRule.Candidate> candidates, Instant now) {
        Set<String> skills = new LinkedHashSet<>(q.requiredSkills());
        skills.addAll(w.requiredSkills());
        for (AssignmentRule.Candidate c : AssignmentRule.rank(candidates, skills, w.passedBy())) {
            if (!store.takeSlot(c.agentId(), now)) {
                candidates.remove(c);
                continue;
            }
            // What the agent's row now says: one more slot taken, offered work just now (takeSlot sets idle_since).
            int at = candidates.indexOf(c);
            candidates.set(at, withLoad(c, c.load() + 1, now));
            if (q.autoAccept()) {
                if (!store.assignWaiting(w.conversationId(), c.agentId(), now)) {
                    store.releaseSlot(c.agentId(), now, false);
                    candidates.set(at, withLoad(c, c.load(), now));
                    return null;
                }
                conversations.addParticipant(w.conversationId(), Participant.agent(c.agentId()));
                store.record(w.conversationId(), w.orgId(), now, "assigned", q.queueId(), c.agentId(), "system", "auto_accept", null);
                return new Decision(w, c.agentId(), true, null);
            }
            Instant expires = now.plusSeconds(q.offerTimeoutSeconds());
            if (!store.offer(w.conversationId(), c.agentId(), randomId(), expires)) {
                store.releaseSlot(c.agentId(), now, false);
                candidates.set(at, withLoad(c, c.load(), now));
                return null;
            }
            store.record(w.conversationId(), w.orgId(), now, "offered", q.queueId(), c.agentId(), "system", "idle_longest",
                    "expires " + expires);
            return new Decision(w, c.agentId(), false, expires);
        }
        return null;
    }

    private static AssignmentRule.Candidate withLoad(AssignmentRule.Candidate c, int load, Instant idleSince) {
        return new AssignmentRule.Candidate(c.agentId(), c.available(), load, c.capacity(), idleSince, c.skills());
    }

    /** Each waiting customer's place (1 = next) and estimated wait, pushed when it changed. */
    void announcePositions(String queueId) {
        List<WorkRow> waiting = store.waiting(queueId, 10_000);
        if (waiting.isEmpty()) return;
        long perPlace = secondsPerPlace(queueId);
        record Place(WorkRow work, int position) {}
        List<Place> changed = new ArrayList<>();
        int position = 0;
        for (WorkRow w : waiting) {
            position++;
            if (w.announcedPosition() == null || w.announcedPosition() != position) changed.add(new Place(w, position));
        }
        if (changed.isEmpty()) return;
        // One commit for all of them (a backlog moves every place at once), then the pushes.
        tx.executeWithoutResult(s -> changed.forEach(p -> store.announcePosition(p.work().conversationId(), p.position())));
        for (Place p : changed) notices.queuePosition(p.work(), p.position(), p.position() * perPlace);
    }

    /** The estimated wait a place in the queue adds: the average handling time over the members serving it. */
    private long secondsPerPlace(String queueId) {
        List<Long> handled = store.recentHandleSeconds(queueId, 50);
        long handle = handled.isEmpty() ? settings.defaultHandleTime().toSeconds()
                : Math.max(1, handled.stream().mapToLong(Long::longValue).sum() / handled.size());
        return handle / Math.max(1, store.members(queueId).size());
    }

    /**
     * Where a customer's conversation stands, for a customer session that just connected (a reload, a second tab, a
     * return after it ended): a push is only sent when something changes, so a new session would otherwise not know.
     */
    sealed interface Standing {
        record Waiting(WorkRow work, int position, long estimatedWaitSeconds) implements Standing {}
        record WithAgent(WorkRow work, String agentId) implements Standing {}
        record Ended(WorkRow work, Participant by, String reason, String wrapUp) implements Standing {}
    }

    Optional<Standing> standing(String conversationId) {
        Optional<WorkRow> found = store.findWork(conversationId);
        if (found.isEmpty()) return Optional.empty();
        WorkRow w = found.get();
        return switch (w.state()) {
            case "assigned" -> Optional.of(new Standing.WithAgent(w, w.agentId()));
            case "closed" -> {
                RoutingStore.EventRow last = store.events(conversationId).stream().filter(e -> "closed".equals(e.kind()))
                        .reduce((a, b) -> b).orElse(null);
                // The actor is stored as a participant's key (agent:agent2, customer:g_..., system:deskframe).
                int colon = last == null || last.actor() == null ? -1 : last.actor().indexOf(':');
                Participant by = colon < 0 ? Participant.SYSTEM
                        : Participant.of(last.actor().substring(0, colon), last.actor().substring(colon + 1));
                String wrapUp = last != null && last.detail() != null && last.detail().startsWith("wrap-up ")
                        ? last.detail().substring("wrap-up ".length()) : null;
                yield Optional.of(new Standing.Ended(w, by, last == null ? null : last.reason(), wrapUp));
            }
            default -> {
                // Offered counts as first in line: no agent has it yet, and it is the next one served.
                List<WorkRow> waiting = store.waiting(w.queueId(), 10_000);
                int position = 1;
                for (int i = 0; i < waiting.size(); i++) if (waiting.get(i).conversationId().equals(conversationId)) position = i + 1;
                yield Optional.of(new Standing.Waiting(w, position, position * secondsPerPlace(w.queueId())));
            }
        };
    }

    // --- agents' commands

    /** An agent's own presence change ({@code set_presence}); the presence it now has. */
    RoutingStore.AgentRow setPresence(String agentId, String orgId, String status, GatewaySession origin) {
        AgentStatus wanted = AgentStatus.ofLabel(status).filter(AgentStatus::settableByAgent)
                .orElseThrow(() -> ProblemException.of(ErrorCode.PRESENCE_INVALID,
                        Map.of("status", status, "allowed", String.join(", ", AgentStatus.settableLabels()))));
        ensureAgent(agentId, orgId);
        changePresence(agentId, wanted, origin);
        return store.findAgent(agentId).orElseThrow();
    }

    /** Sets the status; withdraws open offers when the agent stops being available, routes work when it becomes so. */
    void changePresence(String agentId, AgentStatus status, GatewaySession origin) {
        Instant now = now();
        Boolean changed = tx.execute(s -> store.setStatus(agentId, status, now));
        if (!Boolean.TRUE.equals(changed)) return;
        // The session that asked gets the reply instead.
        notices.presence(store.findAgent(agentId).orElseThrow(), origin);
        if (status == AgentStatus.AVAILABLE) {
            requestDispatchForAgent(agentId);
            return;
        }
        for (WorkRow w : store.ofAgent(agentId, "offered")) withdrawOffer(w, agentId, status == AgentStatus.OFFLINE ? "offline" : "presence", false);
        if (status == AgentStatus.OFFLINE && settings.requeueWhenOffline()) {
            for (WorkRow w : store.ofAgent(agentId, "assigned")) requeue(w, agentId, "agent_offline");
        }
    }

    /** An accepted offer: the conversation, and whether the agent held it already (an accept sent again). */
    record Accepted(WorkRow work, boolean again) {}

    /** accept: the open offer to this agent becomes its conversation. */
    Accepted accept(String agentId, String orgId, String conversationId) {
        Instant now = now();
        return tx.execute(s -> {
            WorkRow w = routed(orgId, conversationId);
            // An accept sent again by the agent that holds the conversation (the first answer lost with its connection,
            // or with a database that went away mid-commit) is answered as the first was: else it would never learn.
            if ("assigned".equals(w.state()) && agentId.equals(w.agentId())) return new Accepted(w, true);
            if (!store.acceptOffer(conversationId, agentId, now)) throw offerGone(w, agentId, now);
            store.answeredOffer(agentId);
            conversations.addParticipant(conversationId, Participant.agent(agentId));
            store.record(conversationId, orgId, now, "accepted", w.queueId(), agentId, "agent:" + agentId, null, null);
            return new Accepted(w, false);
        });
    }

    void decline(String agentId, String orgId, String conversationId) {
        Instant now = now();
        WorkRow w = tx.execute(s -> {
            WorkRow row = routed(orgId, conversationId);
            if (!store.withdrawOffer(conversationId, agentId, null, true)) throw offerGone(row, agentId, now);
            store.releaseSlot(agentId, now, false);
            store.record(conversationId, orgId, now, "declined", row.queueId(), agentId, "agent:" + agentId, null, null);
            return row;
        });
        requestDispatch(w.queueId());
        requestDispatchForAgent(agentId);
    }

    /** The result of a close: the row before it, and whether after-contact work started. */
    record Closed(WorkRow work, Participant by, String reason, String wrapUp, boolean afterContactWork) {}

    /**
     * Closes a routed conversation: its agent (with the wrap-up code its queue asks for), its customer, or the system
     * ({@code by} SYSTEM, after inactivity). The agent's capacity frees at once; its after-contact work starts if the
     * queue has any.
     */
    Closed close(String orgId, Participant by, String conversationId, String wrapUp, String reason) {
        Instant now = now();
        Closed closed = tx.execute(s -> {
            WorkRow w = routed(orgId, conversationId);
            if (by.kind() == Participant.Kind.AGENT && !("assigned".equals(w.state()) && by.id().equals(w.agentId()))) {
                throw notAssigned(conversationId, by.id());
            }
            if (by.kind() == Participant.Kind.CUSTOMER && !by.id().equals(w.customerId())) throw notFound(conversationId);
            if ("closed".equals(w.state())) throw ProblemException.of(ErrorCode.CONFLICT, Map.of("reason", "conversation " + conversationId + " is already closed"));
            QueueRow q = store.findQueue(w.queueId()).orElseThrow();
            if (by.kind() == Participant.Kind.AGENT) checkWrapUp(q, orgId, conversationId, wrapUp);
            if (!store.close(conversationId, w.state(), now)) throw ProblemException.of(ErrorCode.CONFLICT,
                    Map.of("reason", "conversation " + conversationId + " changed meanwhile; try again"));
            boolean acw = false;
            if (w.agentId() != null) {
                store.releaseSlot(w.agentId(), now, "assigned".equals(w.state()));
                if ("assigned".equals(w.state()) && q.acwSeconds() > 0) {
                    acw = store.startAfterContactWork(w.agentId(), now, now.plusSeconds(q.acwSeconds()));
                }
            }
            conversations.markClosed(conversationId);
            store.record(conversationId, orgId, now, "closed", w.queueId(), w.agentId(), by.key(), reason,
                    wrapUp == null ? null : "wrap-up " + wrapUp);
            return new Closed(w, by, reason, wrapUp, acw);
        });
        if (closed.afterContactWork()) notices.presence(store.findAgent(closed.work().agentId()).orElseThrow(), null);
        if (closed.work().agentId() != null) requestDispatchForAgent(closed.work().agentId());
        requestDispatch(closed.work().queueId());
        return closed;
    }

    private void checkWrapUp(QueueRow q, String orgId, String conversationId, String wrapUp) {
        if (wrapUp == null && !q.wrapUpRequired()) return; // nothing to check: the codes are not read
        List<String> codes = store.wrapUpCodes(q.queueId()).stream().map(org.deskframe.routing.QueueRouting.WrapUpCode::code).toList();
        String allowed = codes.isEmpty() ? "(none configured)" : String.join(", ", codes);
        if (wrapUp == null) {
            if (q.wrapUpRequired()) {
                throw ProblemException.of(ErrorCode.WRAPUP_REQUIRED, Map.of("queue", q.queueId(), "conversation", conversationId, "allowed", allowed));
            }
            return;
        }
        if (!codes.contains(wrapUp)) {
            throw ProblemException.of(ErrorCode.WRAPUP_UNKNOWN, Map.of("wrapUp", wrapUp, "queue", q.queueId(), "allowed", allowed, "org", orgId));
        }
    }

    /** The result of a transfer, for the notices. */
    record Transferred(WorkRow work, String fromAgent, String toAgent, String toQueue) {}

    /** Hands an assigned conversation to another agent (who must be online with free capacity) or to a queue. */
    Transferred transfer(String orgId, String fromAgent, String conversationId, String toAgent, String toQueue) {
        Instant now = now();
        if (toAgent != null) {
            Agent target = agents.find(toAgent).filter(a -> a.orgId().equals(orgId) && a.enabled())
                    .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + toAgent)));
            if (target.id().equals(fromAgent)) throw ProblemException.of(ErrorCode.REQUEST_INVALID,
                    Map.of("reason", "the conversation is already assigned to agent " + fromAgent));
            ensureAgent(target.id(), orgId);
        } else {
            queues.find(toQueue).filter(q -> q.orgId().equals(orgId))
                    .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Queue " + toQueue)));
            ensureQueue(toQueue, orgId);
        }
        Transferred t = tx.execute(s -> {
            WorkRow w = routed(orgId, conversationId);
            if (!("assigned".equals(w.state()) && fromAgent.equals(w.agentId()))) throw notAssigned(conversationId, fromAgent);
            if (toAgent != null) {
                // Agent rows in id order, like every transaction that touches two of them.
                boolean targetFirst = toAgent.compareTo(fromAgent) < 0;
                if (!targetFirst) store.releaseSlot(fromAgent, now, true);
                if (!store.takeSlotForTransfer(toAgent)) {
                    s.setRollbackOnly();
                    throw ProblemException.of(ErrorCode.TRANSFER_TARGET_UNAVAILABLE, Map.of("agent", toAgent, "conversation", conversationId,
                            "reason", store.findAgent(toAgent).map(a -> a.status() == AgentStatus.OFFLINE ? "offline"
                                    : "at capacity, " + a.load() + " of " + a.capacity()).orElse("offline")));
                }
                if (targetFirst) store.releaseSlot(fromAgent, now, true);
                store.reassign(conversationId, fromAgent, toAgent, now);
                conversations.removeParticipant(conversationId, Participant.agent(fromAgent));
                conversations.addParticipant(conversationId, Participant.agent(toAgent));
                store.record(conversationId, orgId, now, "transferred", w.queueId(), toAgent, "agent:" + fromAgent, "to_agent",
                        "from agent " + fromAgent);
            } else {
                QueueRow target = store.findQueue(toQueue).orElseThrow();
                store.moveToQueue(conversationId, fromAgent, toQueue, target.requiredSkills());
                store.releaseSlot(fromAgent, now, true);
                conversations.removeParticipant(conversationId, Participant.agent(fromAgent));
                conversations.addParticipant(conversationId, new Participant(Participant.Kind.QUEUE, toQueue));
                store.record(conversationId, orgId, now, "transferred", toQueue, null, "agent:" + fromAgent, "to_queue",
                        "from agent " + fromAgent + " in queue " + w.queueId());
            }
            return new Transferred(w, fromAgent, toAgent, toQueue);
        });
        requestDispatchForAgent(fromAgent);
        if (toQueue != null) requestDispatch(toQueue);
        return t;
    }

    // --- the system's decisions (RoutingSweeper finds them)

    /** An offer's time ran out: to the next agent; the agent who let it expire may be set away. */
    void expireOffer(WorkRow w) {
        Instant now = now();
        Integer ignored = tx.execute(s -> {
            if (!store.withdrawOffer(w.conversationId(), w.agentId(), w.offerId(), true)) return null;
            store.releaseSlot(w.agentId(), now, false);
            store.record(w.conversationId(), w.orgId(), now, "timed_out", w.queueId(), w.agentId(), "system", "offer_timeout", null);
            return store.ignoredOffer(w.agentId());
        });
        if (ignored == null) return;
        notices.offerWithdrawn(w.agentId(), w.conversationId(), "timeout");
        int limit = settings.ignoredOffersBeforeAway();
        if (limit > 0 && ignored >= limit) {
            log.info("agent {} let {} offers in a row expire; setting it away", w.agentId(), ignored);
            changePresence(w.agentId(), AgentStatus.AWAY, null);
        }
        requestDispatch(w.queueId());
    }

    /** Takes an offer back without the agent's doing (presence change, offline): not counted against the agent. */
    void withdrawOffer(WorkRow w, String agentId, String reason, boolean passed) {
        Instant now = now();
        Boolean done = tx.execute(s -> {
            if (!store.withdrawOffer(w.conversationId(), agentId, null, passed)) return false;
            store.releaseSlot(agentId, now, false);
            store.record(w.conversationId(), w.orgId(), now, "withdrawn", w.queueId(), agentId, "system", reason, null);
            return true;
        });
        if (!Boolean.TRUE.equals(done)) return;
        notices.offerWithdrawn(agentId, w.conversationId(), reason);
        requestDispatch(w.queueId());
    }

    /** An assigned conversation goes back to its queue at its original place (its agent went offline or did not answer). */
    void requeue(WorkRow w, String agentId, String reason) {
        Instant now = now();
        Boolean done = tx.execute(s -> {
            if (!store.requeueAssigned(w.conversationId(), agentId)) return false;
            store.releaseSlot(agentId, now, false);
            conversations.removeParticipant(w.conversationId(), Participant.agent(agentId));
            store.record(w.conversationId(), w.orgId(), now, "requeued", w.queueId(), agentId, "system", reason, "at its original place");
            return true;
        });
        if (!Boolean.TRUE.equals(done)) return;
        notices.requeued(w, agentId, reason);
        requestDispatch(w.queueId());
    }

    void endAfterContactWork(String agentId) {
        Instant now = now();
        if (!Boolean.TRUE.equals(tx.execute(s -> store.endAfterContactWork(agentId, now)))) return;
        notices.presence(store.findAgent(agentId).orElseThrow(), null);
        requestDispatchForAgent(agentId);
    }

    // --- helpers

    /** The routed conversation of this org, or the same not-found as for one that does not exist. */
    private WorkRow routed(String orgId, String conversationId) {
        return store.lockWork(conversationId).filter(w -> w.orgId().equals(orgId)).orElseThrow(() -> notFound(conversationId));
    }

    private static ProblemException notFound(String conversationId) {
        return ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + conversationId));
    }

    static ProblemException notAssigned(String conversationId, String agentId) {
        return ProblemException.of(ErrorCode.CONVERSATION_NOT_ASSIGNED, Map.of("conversation", conversationId, "agent", agentId));
    }

    private static ProblemException offerGone(WorkRow w, String agentId, Instant now) {
        String reason;
        if (!"offered".equals(w.state()) || !agentId.equals(w.agentId())) {
            reason = "assigned".equals(w.state()) && agentId.equals(w.agentId()) ? "already accepted"
                    : "no offer to this agent is open; the conversation is " + w.state();
        } else {
            reason = "it expired at " + w.offerExpiresAt();
        }
        return ProblemException.of(ErrorCode.OFFER_EXPIRED, Map.of("conversation", w.conversationId(), "agent", agentId, "reason", reason));
    }

    static CustomerView customerView(WorkRow w) {
        CustomerProfile p = JSON.readValue(w.customer(), CustomerProfile.class);
        return new CustomerView(p.id(), p.name(), p.email(), p.verified(), p.attributes());
    }

    private static String randomId() {
        byte[] b = new byte[9];
        RANDOM.nextBytes(b);
        return "o_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
