package org.deskframe.routing.internal;

import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.cluster.ClusterMessage;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.OpHandler;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.SessionListener;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.QueueView;
import org.deskframe.protocol.ServerFrame;
import org.deskframe.routing.RoutingSettings;
import org.deskframe.storage.SharedClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The live supervisor view: {@code watch_queues} answers with the org's queues and keeps the session watching; after
 * routing state of an org changes here or on another node ({@code routing.queues_changed}, naming the orgs), the
 * orgs changed within one debounce interval are read again once each, and pushed to their watchers when they differ
 * from the last view pushed. Every {@code supervisor-resync} every watched org is read again, so that a change this
 * node never heard of (the message lost while Redis was away) shows within that time. Watching ends with the session.
 */
@Configuration(proxyBeanMethods = false)
class SupervisorFeed implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(SupervisorFeed.class);

    /**
     * Another node changed the routing state of {@code orgs} within one of its debounce intervals. Null orgs (a node of
     * a build before they were named) means any org: every watched one is read again.
     */
    @ClusterMessage.Name("routing.queues_changed")
    record QueuesChanged(String node, Set<String> orgs) implements ClusterMessage {}

    private final SupervisorView view;
    private final ClusterBus bus;
    private final SharedClock clock;
    private final AgentDirectory agents;
    private final long debounceMillis;
    private final Map<GatewaySession, String> watchers = new ConcurrentHashMap<>();
    /** Per org, the last view pushed (without its time-derived waits), so an unchanged view is not pushed again. */
    private final Map<String, List<QueueView>> lastPushed = new ConcurrentHashMap<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();
    /** Orgs changed on this node since the last flush (told to the other nodes), and those other nodes named. */
    private final Set<String> changedHere = ConcurrentHashMap.newKeySet();
    private final Set<String> changedElsewhere = ConcurrentHashMap.newKeySet();
    /** Agents changed on this node since the last flush, resolved to their orgs at the flush. */
    private final Set<String> agentsChanged = ConcurrentHashMap.newKeySet();
    /** Every watched org is read at the next flush (a resync, or a message that names no org). */
    private final AtomicBoolean readAll = new AtomicBoolean();
    /** An agent's org, which never changes: resolved once, not once per change of its load. */
    private final Cache<String, String> orgOfAgent = Caffeine.newBuilder().executor(Runnable::run).maximumSize(10_000).build();
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "supervisor-feed");
        t.setDaemon(true);
        return t;
    });

    SupervisorFeed(SupervisorView view, ClusterBus bus, RoutingChanges changes, RoutingSettings settings, SharedClock clock,
                   AgentDirectory agents) {
        this.view = view;
        this.bus = bus;
        this.clock = clock;
        this.agents = agents;
        this.debounceMillis = Math.max(1, settings.supervisorDebounce().toMillis());
        changes.onChange(new RoutingChanges.Listener() {
            @Override
            public void orgChanged(String orgId) {
                changedHere.add(orgId);
                schedule();
            }

            @Override
            public void agentChanged(String agentId) {
                agentsChanged.add(agentId);
                schedule();
            }
        });
        bus.subscribe(QueuesChanged.class, m -> {
            if (m.orgs() == null) readAll.set(true);
            else changedElsewhere.addAll(m.orgs());
            schedule();
        });
        long resync = Math.max(debounceMillis, settings.supervisorResync().toMillis());
        timer.scheduleWithFixedDelay(() -> {
            if (!watchers.isEmpty()) {
                readAll.set(true);
                schedule();
            }
        }, resync, resync, TimeUnit.MILLISECONDS);
    }

    @Bean
    OpHandler<ClientFrame.WatchQueues> watchQueuesOp() {
        return OpHandler.of(ClientFrame.WatchQueues.class, (s, f) -> {
            if (!(s.principal() instanceof Principal.Agent a)) {
                throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "watch_queues is a supervisor's op (an agent token with scope supervisor:read)"));
            }
            s.requireScope(Scope.SUPERVISOR_READ, "watching queues");
            Instant now = clock.instant();
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
            Set<String> here = drain(changedHere);
            for (String agentId : drain(agentsChanged)) {
                String org = orgOfAgent.get(agentId, id -> agents.find(id).map(Agent::orgId).orElse(null));
                if (org != null) here.add(org);
            }
            // Other nodes are told once per interval too, not once per change, and only which orgs changed.
            if (!here.isEmpty()) bus.publish(new QueuesChanged(bus.nodeId(), Set.copyOf(here)));
            Set<String> changed = drain(changedElsewhere);
            changed.addAll(here);
            boolean all = readAll.getAndSet(false);
            Map<String, List<GatewaySession>> byOrg = new HashMap<>();
            watchers.forEach((s, org) -> {
                if (all || changed.contains(org)) byOrg.computeIfAbsent(org, k -> new java.util.ArrayList<>()).add(s);
            });
            lastPushed.keySet().retainAll(Set.copyOf(watchers.values()));
            Instant now = clock.instant();
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

    /** What {@code set} held, removed from it; an element added meanwhile stays for the next flush or is taken now. */
    private static Set<String> drain(Set<String> set) {
        Set<String> taken = new HashSet<>();
        for (var it = set.iterator(); it.hasNext(); ) {
            taken.add(it.next());
            it.remove();
        }
        return taken;
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
