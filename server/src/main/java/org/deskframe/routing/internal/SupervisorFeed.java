package org.deskframe.routing.internal;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.cluster.ClusterMessage;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.OpHandler;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.SessionListener;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.QueueView;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.routing.RoutingSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The live supervisor view: {@code watch_queues} answers with the org's queues and keeps the session watching; after
 * routing state changes here or on another node ({@code routing.queues_changed}), every watched org's view is read
 * again once per debounce interval and pushed to its watchers when it differs from the last one they got. Every
 * {@code supervisor-resync} the views are read again regardless, so that a change this node never heard of (the
 * message lost while Redis was away) shows within that time. Watching ends with the session.
 */
@Configuration(proxyBeanMethods = false)
class SupervisorFeed implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(SupervisorFeed.class);

    /** Another node changed routing state; carries nothing but its node, since every watcher reads the view again. */
    @ClusterMessage.Name("routing.queues_changed")
    record QueuesChanged(String node) implements ClusterMessage {}

    private final SupervisorView view;
    private final ClusterBus bus;
    private final long debounceMillis;
    private final Map<GatewaySession, String> watchers = new ConcurrentHashMap<>();
    /** Per org, the last view pushed (without its time-derived waits), so an unchanged view is not pushed again. */
    private final Map<String, List<QueueView>> lastPushed = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final AtomicBoolean changedHere = new AtomicBoolean();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "supervisor-feed");
        t.setDaemon(true);
        return t;
    });

    SupervisorFeed(SupervisorView view, ClusterBus bus, RoutingChanges changes, RoutingSettings settings) {
        this.view = view;
        this.bus = bus;
        this.debounceMillis = Math.max(1, settings.supervisorDebounce().toMillis());
        changes.onChange(() -> {
            changedHere.set(true);
            schedule();
        });
        bus.subscribe(QueuesChanged.class, m -> schedule());
        long resync = Math.max(debounceMillis, settings.supervisorResync().toMillis());
        timer.scheduleWithFixedDelay(() -> {
            if (!watchers.isEmpty()) schedule();
        }, resync, resync, TimeUnit.MILLISECONDS);
    }

    @Bean
    OpHandler<ClientFrame.WatchQueues> watchQueuesOp() {
        return OpHandler.of(ClientFrame.WatchQueues.class, (s, f) -> {
            if (!(s.principal() instanceof Principal.Agent a)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "watch_queues is a supervisor's op (an agent token with scope supervisor:read)"));
            }
            s.requireScope(Scope.SUPERVISOR_READ, "watching queues");
            Instant now = Instant.now();
            List<QueueView> queues = view.queues(a.orgId(), now);
            watchers.put(s, a.orgId());
            s.send(new ServerFrame.Queues(f.id(), now, queues));
        });
    }

    @Override
    public void closed(GatewaySession session) {
        watchers.remove(session);
    }

    /** Whether {@code session} watches its org's queues (for tests and diagnostics). */
    boolean watching(GatewaySession session) {
        return watchers.containsKey(session);
    }

    private void schedule() {
        if (scheduled.compareAndSet(false, true)) timer.schedule(this::flush, debounceMillis, TimeUnit.MILLISECONDS);
    }

    private void flush() {
        scheduled.set(false);
        try {
            // Other nodes are told once per interval too, not once per change.
            if (changedHere.getAndSet(false)) bus.publish(new QueuesChanged(bus.nodeId()));
            Map<String, List<GatewaySession>> byOrg = new HashMap<>();
            watchers.forEach((s, org) -> byOrg.computeIfAbsent(org, k -> new java.util.ArrayList<>()).add(s));
            lastPushed.keySet().retainAll(Set.copyOf(byOrg.keySet()));
            Instant now = Instant.now();
            byOrg.forEach((org, sessions) -> {
                List<QueueView> queues = view.queues(org, now);
                List<QueueView> comparable = withoutWaits(queues);
                if (comparable.equals(lastPushed.put(org, comparable))) return;
                ServerFrame.Queues frame = new ServerFrame.Queues(null, now, queues);
                // A refreshed token may have dropped the scope: such a session keeps its session but gets no more views.
                for (GatewaySession s : sessions) if (s.mayReceive(Scope.SUPERVISOR_READ)) s.send(frame);
            });
        } catch (RuntimeException e) {
            log.warn("supervisor view not pushed: {}", e.toString());
        }
    }

    private static List<QueueView> withoutWaits(List<QueueView> queues) {
        return queues.stream().map(q -> new QueueView(q.id(), q.name(), q.waiting(), 0, q.oldestWaitingSince(), q.offered(),
                q.assigned(), q.agentsByPresence(), q.agents())).toList();
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }
}
