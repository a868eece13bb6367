package org.deskframe.routing.internal;

import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.LocalSessions;
import org.deskframe.gateway.Principal;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.routing.RoutingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Tells a session where it stands in routing, from the database: a customer's session where its conversation is
 * (queue position, the agent it is with, how it ended), an agent's its open offers and the conversations it holds.
 * Sent to every new session after {@code ready}, and again to every open session of this node after the cluster may
 * have lost pushes (its Redis link was cut, or another node's sequence showed a gap): routing's pushes cross nodes best
 * effort, and a session whose socket stayed open would otherwise never learn what a lost push said. The frames are the
 * ones a reconnect gets, so clients already take them more than once.
 */
@Component
class StandingResync {

    private static final Logger log = LoggerFactory.getLogger(StandingResync.class);
    /** Losses come in bursts (an outage, then the gaps it left in each node's sequence): one resync after them. */
    static final long SETTLE_MILLIS = 1_000;

    private final RoutingEngine engine;
    private final RoutingNotices notices;
    private final RoutingStore store;
    private final LocalSessions sessions;
    private final RoutingSettings settings;
    private final AtomicBoolean pending = new AtomicBoolean();
    /** Per open session of this node, the unanswered assignments told to it again; on {@link #thread} only. */
    private final Map<String, Set<String>> retoldBySession = new HashMap<>();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("routing-resync").factory());

    StandingResync(RoutingEngine engine, RoutingNotices notices, RoutingStore store, LocalSessions sessions, ClusterBus bus,
                   RoutingSettings settings) {
        this.engine = engine;
        this.notices = notices;
        this.store = store;
        this.sessions = sessions;
        this.settings = settings;
        // On the cluster thread: only schedules.
        bus.onLoss(since -> schedule());
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        if (settings.retellUnansweredAfter().isZero()) return;
        // Checked twice per period: an assignment is told again between one and one and a half periods after it.
        long ms = Math.max(500, settings.retellUnansweredAfter().toMillis() / 2);
        thread.scheduleWithFixedDelay(this::retellQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** Sends the session's routing standing; false when it has none to be told (not a routed principal, no scope). */
    boolean tell(GatewaySession session) {
        if (session.principal() instanceof Principal.Customer && session.token() != null && session.token().isGuestToken()) {
            engine.standing(session.token().guest().conversationId()).ifPresent(st -> session.send(notices.standingFrame(st)));
            return true;
        }
        if (!(session.principal() instanceof Principal.Agent a) || !session.mayReceive(RoutingNotices.AUDIENCE)) return false;
        tellAgent(session, engine.agentStanding(a.id(), a.orgId()));
        return true;
    }

    /** An agent's session: its presence (to sessions that may set it), its open offers, the conversations it holds. */
    void tellAgent(GatewaySession session, RoutingStore.AgentStanding agent) {
        // Presence is told to the sessions that may set it (scope presence): a widget without it never asked.
        if (session.mayReceive(Scope.PRESENCE)) session.send(RoutingNotices.presenceFrame(null, agent.agent()));
        for (RoutingStore.WorkRow w : agent.offered()) {
            session.send(new ServerFrame.ConversationOffered(w.conversationId(), RoutingEngine.customerView(w), w.queueId(), w.offerExpiresAt()));
        }
        // And the conversations it holds, so a reloaded desktop can still transfer and close them.
        for (RoutingStore.WorkRow w : agent.assigned()) {
            session.send(new ServerFrame.ConversationAssigned(null, w.conversationId(), RoutingEngine.customerView(w), w.queueId()));
        }
    }

    void schedule() {
        if (!pending.compareAndSet(false, true)) return;
        try {
            thread.schedule(this::resyncAll, SETTLE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            pending.set(false);
        }
    }

    /** Every open session of this node, told again where it stands; the whole pass again soon if the database failed it. */
    void resyncAll() {
        // Cleared first: a loss reported while this runs schedules another pass.
        pending.set(false);
        int told = 0;
        for (GatewaySession s : sessions.all()) {
            // A session still in its handshake is told after its ready, as every new one.
            if (!s.mayReceive(RoutingNotices.AUDIENCE)) continue;
            try {
                if (tell(s)) told++;
            } catch (RuntimeException e) {
                // The database away (losses and outages come together): a pass that gave up would leave the sessions
                // it did not reach un-told for good, so it runs again until it gets through.
                log.warn("routing resync: session {} not told where it stands ({}); trying again in {} ms", s.id(), e.toString(),
                        SETTLE_MILLIS);
                schedule();
                break;
            }
        }
        if (told > 0) log.info("cluster loss: {} sessions told again where they stand in routing", told);
    }

    /**
     * Assignments their agents have not answered for {@code retell-unanswered-after}, told again to each open session of
     * the agent on this node, once per session: an auto-accepted assignment has no timer of its own, and its push can
     * be lost where no sequence shows it (a commit whose outcome reached the deciding node as a failure, so it pushed
     * nothing; a node killed between its commit and its publish).
     */
    void retellUnanswered() {
        Duration after = settings.retellUnansweredAfter();
        Map<String, Map<String, RoutingStore.WorkRow>> unanswered = new HashMap<>();
        for (RoutingStore.WorkRow w : store.unansweredSince(engine.now().minus(after))) {
            unanswered.computeIfAbsent(w.agentId(), k -> new java.util.LinkedHashMap<>()).put(w.conversationId(), w);
        }
        Set<String> open = new HashSet<>();
        int told = 0;
        for (Map.Entry<String, Map<String, RoutingStore.WorkRow>> agent : unanswered.entrySet()) {
            for (GatewaySession s : sessions.of(Principal.keyOfAgent(agent.getKey()))) {
                if (!s.mayReceive(RoutingNotices.AUDIENCE)) continue;
                open.add(s.id());
                Set<String> retold = retoldBySession.computeIfAbsent(s.id(), k -> new HashSet<>());
                // Answered or ended since: forgotten, so a conversation assigned to it again is told again.
                retold.retainAll(agent.getValue().keySet());
                for (RoutingStore.WorkRow w : agent.getValue().values()) {
                    if (!retold.add(w.conversationId())) continue;
                    if (s.send(new ServerFrame.ConversationAssigned(null, w.conversationId(), RoutingEngine.customerView(w), w.queueId()))) {
                        told++;
                    } else {
                        retold.remove(w.conversationId());
                    }
                }
            }
        }
        retoldBySession.keySet().retainAll(open);
        if (told > 0) log.info("routing: {} assignments unanswered for {} s told again to their agents' sessions", told, after.toSeconds());
    }

    private void retellQuietly() {
        try {
            retellUnanswered();
        } catch (RuntimeException e) {
            log.debug("routing: unanswered assignments not told again this time: {}", e.toString());
        }
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
