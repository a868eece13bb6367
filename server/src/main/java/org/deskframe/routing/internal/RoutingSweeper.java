package org.deskframe.routing.internal;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deskframe.cluster.Presence;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;
import org.deskframe.gateway.Principal;
import org.deskframe.messaging.Participant;
import org.deskframe.routing.AgentStatus;
import org.deskframe.routing.RoutingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * The timers of routing, kept as instants in the database and found by every node's sweeper: expired offers, ended
 * after-contact work, agents past the offline grace period, unanswered and inactive conversations, and waiting work no
 * trigger reached (after a restart). Each decision is a conditional update, so two nodes sweeping at once decide once.
 */
@Component
class RoutingSweeper {

    private static final Logger log = LoggerFactory.getLogger(RoutingSweeper.class);

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final RoutingNotices notices;
    private final Presence presence;
    private final RoutingSettings settings;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("routing-sweeper").daemon(true).factory());

    RoutingSweeper(RoutingEngine engine, RoutingStore store, RoutingNotices notices, Presence presence, RoutingSettings settings) {
        this.engine = engine;
        this.store = store;
        this.notices = notices;
        this.presence = presence;
        this.settings = settings;
    }

    @EventListener(ApplicationReadyEvent.class)
    void start() {
        long ms = Math.max(50, settings.sweepInterval().toMillis());
        timer.scheduleWithFixedDelay(this::sweepQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    private void sweepQuietly() {
        try {
            sweep();
        } catch (RuntimeException e) {
            log.warn("routing sweep failed (next pass retries): {}", e.toString());
        }
    }

    void sweep() {
        Instant now = engine.now();
        for (RoutingStore.WorkRow w : store.offersExpiredBy(now)) engine.expireOffer(w);
        for (String agentId : store.afterContactWorkOver(now)) engine.endAfterContactWork(agentId);
        sweepPresence(now);
        if (!settings.requeueUnansweredAfter().isZero()) {
            for (RoutingStore.WorkRow w : store.unansweredSince(now.minus(settings.requeueUnansweredAfter()))) {
                engine.requeue(w, w.agentId(), "unanswered");
            }
        }
        if (!settings.closeInactiveAfter().isZero()) {
            // Stored activity may lag the last message by the resolution: wait that much longer, never close early.
            for (RoutingStore.WorkRow w : store.inactiveSince(now.minus(settings.closeInactiveAfter()).minus(settings.activityResolution()))) {
                try {
                    notices.closed(engine.close(w.orgId(), Participant.SYSTEM, w.conversationId(), null, "inactivity"), null, null);
                } catch (RuntimeException changed) {
                    // closed or moved meanwhile
                }
            }
        }
        for (String queueId : store.queuesWithWaitingWork()) engine.requestDispatch(queueId);
    }

    /**
     * Agents past the grace period with no session on any node go offline; agents that count as online although no
     * node saw their last session close (a node died or restarted) start their grace period now.
     */
    private void sweepPresence(Instant now) {
        for (String agentId : store.disconnectedBefore(now.minus(settings.offlineGrace()))) {
            if (presence.isPresent(PrincipalKey.of(Principal.keyOfAgent(agentId)))) {
                store.connected(agentId);
            } else {
                log.info("agent {} has had no session for {}; setting it offline", agentId, settings.offlineGrace());
                engine.changePresence(agentId, AgentStatus.OFFLINE, null);
            }
        }
        List<String> online = store.onlineWithoutRecordedDisconnect();
        if (online.isEmpty()) return;
        Map<PrincipalKey, PresenceView> views = presence.lookup(online.stream().map(a -> PrincipalKey.of(Principal.keyOfAgent(a))).toList());
        views.forEach((key, view) -> {
            if (!view.present() && view.clusterWide()) store.disconnected(key.value().substring("agent:".length()), now);
        });
    }
}
