package org.deskframe.routing.internal;

import jakarta.annotation.PreDestroy;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
    private final LocalSessions sessions;
    private final AtomicBoolean pending = new AtomicBoolean();
    private final ScheduledExecutorService thread = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().name("routing-resync").factory());

    StandingResync(RoutingEngine engine, RoutingNotices notices, LocalSessions sessions, ClusterBus bus) {
        this.engine = engine;
        this.notices = notices;
        this.sessions = sessions;
        // On the cluster thread: only schedules.
        bus.onLoss(since -> schedule());
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

    /** Every open session of this node, told again where it stands. */
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
                log.warn("routing resync: session {} not told where it stands: {}", s.id(), e.toString());
            }
        }
        if (told > 0) log.info("cluster loss: {} sessions told again where they stand in routing", told);
    }

    @PreDestroy
    void stop() {
        thread.shutdownNow();
    }
}
