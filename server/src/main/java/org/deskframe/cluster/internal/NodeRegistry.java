package org.deskframe.cluster.internal;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.PresenceView;
import org.deskframe.cluster.PrincipalKey;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This node's own presence and slots, and its part in the shared state. This node's sessions and held slots are kept
 * here too (they are what the node knows to be true), so that while the shared state is unreachable answers come from
 * them, and when it is back (or lost its data, or swept this node as dead) they are registered again: under a new
 * generation, after which older entries of this node are removed, so nothing is missing in between. Writes to the
 * shared state go through one writer in the order of the changes here; the heartbeat runs on that writer too.
 */
final class NodeRegistry implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);
    private static final int RESYNC_CHUNK = 1000;

    private final String node;
    private final SharedState state;
    private final ClusterSettings settings;
    private final LocalLimits fallback;
    private final Executor writer;
    private final ThreadPoolExecutor writerThread;
    private final ScheduledExecutorService beats;
    private final Consumer<RuntimeException> onFailure;
    private final Object lock = new Object();
    private final Map<PrincipalKey, Set<String>> sessions = new HashMap<>();
    private final Map<String, Set<String>> leases = new HashMap<>();
    private volatile long generation;
    private volatile boolean resyncNeeded = true;
    private volatile boolean degradedLogged;
    private volatile boolean running;
    private ScheduledFuture<?> heartbeat;
    private volatile Consumer<String> nodeGone = n -> { };

    /**
     * @param ownWriter  whether writes go through a thread of their own (Redis) or run at once under the lock (memory)
     * @param onFailure  told of every failed operation (the Redis link decides whether Redis is down)
     */
    NodeRegistry(String node, SharedState state, ClusterSettings settings, boolean ownWriter, Clock clock,
                 Consumer<RuntimeException> onFailure) {
        this.node = node;
        this.state = state;
        this.settings = settings;
        this.onFailure = onFailure;
        this.fallback = new LocalLimits(settings.localEntries(), clock);
        if (ownWriter) {
            writerThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(100_000),
                    Thread.ofPlatform().daemon().name("cluster-writer-" + node).factory());
            writer = writerThread;
        } else {
            writerThread = null;
            writer = Runnable::run;
        }
        beats = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cluster-heartbeat-" + node).factory());
    }

    String node() {
        return node;
    }

    // --- presence

    void register(PrincipalKey principal, String session) {
        synchronized (lock) {
            if (!sessions.computeIfAbsent(principal, k -> new HashSet<>()).add(session)) return;
            SharedState.Entry e = SharedState.Entry.presence(principal, session);
            write(() -> state.add(node, generation, List.of(e)));
        }
    }

    void unregister(PrincipalKey principal, String session) {
        synchronized (lock) {
            Set<String> mine = sessions.get(principal);
            if (mine == null || !mine.remove(session)) return;
            if (mine.isEmpty()) sessions.remove(principal);
            SharedState.Entry e = SharedState.Entry.presence(principal, session);
            write(() -> state.remove(node, e));
        }
    }

    PresenceView lookup(PrincipalKey principal) {
        if (state.reachable()) {
            try {
                return new PresenceView(principal, state.presence(principal), true);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        degraded();
        return localView(principal);
    }

    Map<PrincipalKey, PresenceView> lookup(java.util.Collection<PrincipalKey> principals) {
        Map<PrincipalKey, PresenceView> views = new java.util.LinkedHashMap<>();
        if (state.reachable()) {
            try {
                state.presence(principals).forEach((p, nodes) -> views.put(p, new PresenceView(p, nodes, true)));
                return views;
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        degraded();
        for (PrincipalKey p : principals) views.put(p, localView(p));
        return views;
    }

    private PresenceView localView(PrincipalKey principal) {
        synchronized (lock) {
            Set<String> mine = sessions.get(principal);
            return new PresenceView(principal, mine == null ? Map.of() : Map.of(node, mine.size()), false);
        }
    }

    // --- slots

    ClusterLimits.Lease tryAcquire(String key, String holder, int limit) {
        if (state.reachable()) {
            CompletableFuture<ClusterLimits.Lease> answer = new CompletableFuture<>();
            try {
                synchronized (lock) {
                    writer.execute(() -> acquireShared(key, holder, limit, answer));
                }
                return answer.get(settings.commandTimeout().toMillis() + 100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException | java.util.concurrent.RejectedExecutionException e) {
                // Decided here instead (below); what the shared state does with the late request is settled in acquireShared.
            }
            synchronized (lock) {
                if (answer.completeExceptionally(new TimeoutException())) {
                    resyncNeeded = true;
                } else if (!answer.isCompletedExceptionally()) {
                    return answer.join();
                }
            }
        }
        degraded();
        return acquireLocally(key, holder, limit);
    }

    /** On the writer: the shared decision, recorded here only if the caller still waits for it (else undone). */
    private void acquireShared(String key, String holder, int limit, CompletableFuture<ClusterLimits.Lease> answer) {
        ClusterLimits.Lease lease;
        try {
            lease = state.acquire(node, generation, key, holder, limit);
        } catch (RuntimeException e) {
            failed(e);
            answer.completeExceptionally(e);
            return;
        }
        synchronized (lock) {
            if (answer.complete(lease)) {
                if (lease.granted()) leases.computeIfAbsent(key, k -> new HashSet<>()).add(holder);
                return;
            }
            boolean heldHere = leases.getOrDefault(key, Set.of()).contains(holder);
            if (lease.granted() && !heldHere) {
                // The caller gave up waiting and refused: take the late grant back.
                write(() -> state.remove(node, SharedState.Entry.lease(key, holder)));
            }
        }
    }

    private ClusterLimits.Lease acquireLocally(String key, String holder, int limit) {
        synchronized (lock) {
            Set<String> holders = leases.computeIfAbsent(key, k -> new HashSet<>());
            if (holders.contains(holder)) return new ClusterLimits.Lease(true, holders.size(), false);
            if (holders.size() < limit) {
                holders.add(holder);
                resyncNeeded = true;
                return new ClusterLimits.Lease(true, holders.size(), false);
            }
            if (holders.isEmpty()) leases.remove(key);
            return new ClusterLimits.Lease(false, holders.size(), false);
        }
    }

    void release(String key, String holder) {
        synchronized (lock) {
            Set<String> holders = leases.get(key);
            if (holders == null || !holders.remove(holder)) return;
            if (holders.isEmpty()) leases.remove(key);
            SharedState.Entry e = SharedState.Entry.lease(key, holder);
            write(() -> state.remove(node, e));
        }
    }

    // --- buckets and failure records (no local copy to keep: the shared answer or, while unreachable, this node's)

    ClusterLimits.Rate tryTake(String key, double ratePerSecond, int burst) {
        if (state.reachable()) {
            try {
                return state.take(key, ratePerSecond, burst);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        degraded();
        return fallback.take(key, ratePerSecond, burst, false);
    }

    ClusterLimits.Failures failures(String key, SharedState.FailureOp op, Duration window, int keep) {
        if (state.reachable()) {
            try {
                return state.failures(key, op, window, keep);
            } catch (RuntimeException e) {
                failed(e);
            }
        }
        degraded();
        return fallback.failures(key, op, window, keep, false);
    }

    // --- liveness

    /**
     * Told of each other node this node finds dead (its liveness ran out: killed, paused, cut off) as it sweeps it; on
     * the registry's writer thread, must not block.
     */
    void onNodeGone(Consumer<String> listener) {
        this.nodeGone = listener;
    }

    /** The shared state is reachable again: register everything again and touch liveness now. */
    void recovered() {
        resyncNeeded = true;
        degradedLogged = false;
        try {
            writer.execute(this::beat);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the next heartbeat does it
        }
    }

    /** A heartbeat now, on the writer, and wait for it (tests that move the clock). */
    void beatNow() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        writer.execute(() -> {
            try {
                beat();
            } finally {
                done.complete(null);
            }
        });
        done.join();
    }

    private void beat() {
        if (!running || !state.reachable()) return;
        try {
            SharedState.Beat beat = state.heartbeat(node, settings.presenceTtl());
            if (!beat.wasAlive() || resyncNeeded) resync();
            for (String dead : beat.expiredNodes()) {
                if (!dead.equals(node)) {
                    state.purge(dead, SharedState.Purge.DEAD, 0);
                    log.info("cluster: node {} stopped its heartbeat; its sessions and slots no longer count", dead);
                    nodeGone.accept(dead);
                }
            }
        } catch (RuntimeException e) {
            resyncNeeded = true;
            failed(e);
        }
    }

    /** Registers all of this node's entries under a new generation, then removes the older ones. */
    private void resync() {
        long g;
        List<SharedState.Entry> all = new ArrayList<>();
        synchronized (lock) {
            resyncNeeded = false;
            g = ++generation;
            sessions.forEach((p, ids) -> ids.forEach(id -> all.add(SharedState.Entry.presence(p, id))));
            leases.forEach((k, holders) -> holders.forEach(h -> all.add(SharedState.Entry.lease(k, h))));
            if (writerThread == null) {
                state.add(node, g, all);
                state.purge(node, SharedState.Purge.OLDER, g);
                return;
            }
        }
        // On the writer: changes made after the copy above are queued behind this and applied after it.
        for (int i = 0; i < all.size(); i += RESYNC_CHUNK) {
            state.add(node, g, all.subList(i, Math.min(all.size(), i + RESYNC_CHUNK)));
        }
        state.purge(node, SharedState.Purge.OLDER, g);
        if (!all.isEmpty()) log.info("cluster: registered this node's {} sessions and slots again", all.size());
    }

    /** Called under the lock: the shared side of a change, or a note to register everything again later. */
    private void write(Runnable change) {
        if (!state.reachable()) {
            resyncNeeded = true;
            return;
        }
        try {
            writer.execute(() -> {
                try {
                    change.run();
                } catch (RuntimeException e) {
                    resyncNeeded = true;
                    failed(e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            resyncNeeded = true;
        }
    }

    private void failed(RuntimeException e) {
        onFailure.accept(e);
    }

    private void degraded() {
        if (!degradedLogged) {
            degradedLogged = true;
            log.warn("cluster: shared state unreachable: presence answers and limits (connections per agent, send rates,"
                    + " sign-in throttles) are this node's alone, per node, until Redis returns");
        }
    }

    // --- lifecycle

    /** Alive before the container goes on (entries of a node that has not touched its liveness would not count). */
    @Override
    public void start() {
        running = true;
        resyncNeeded = true; // a restart (a paused test context, say) re-registers what this node still holds
        CompletableFuture<Void> first = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                try {
                    beat();
                } finally {
                    first.complete(null);
                }
            });
            first.get(settings.commandTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // the next heartbeat tries again
        }
        long period = settings.heartbeat().toMillis();
        heartbeat = beats.scheduleWithFixedDelay(() -> {
            try {
                writer.execute(this::beat);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                resyncNeeded = true;
            }
        }, period, period, TimeUnit.MILLISECONDS);
    }

    /** Leaves the cluster: this node's entries are removed at once instead of expiring. */
    @Override
    public void stop() {
        if (!running) return;
        running = false;
        heartbeat.cancel(false);
        CompletableFuture<Void> left = new CompletableFuture<>();
        try {
            writer.execute(() -> {
                try {
                    if (state.reachable()) state.purge(node, SharedState.Purge.LEAVE, 0);
                } catch (RuntimeException e) {
                    log.info("cluster: could not remove this node's entries on shutdown (they expire by themselves): {}", e.toString());
                } finally {
                    left.complete(null);
                }
            });
            left.get(settings.commandTimeout().toMillis() * 4, TimeUnit.MILLISECONDS);
        } catch (Exception e) {
            // they expire with the node's liveness
        }
    }

    /** The end of the bean (after {@link #stop}): its threads go. A stopped registry may start again; a closed one not. */
    public void close() {
        shutdownThreads();
    }

    /** Stops like a killed process: no heartbeat, nothing removed (for tests of expiry). */
    void halt() {
        running = false;
        if (heartbeat != null) heartbeat.cancel(false);
        shutdownThreads();
    }

    private void shutdownThreads() {
        beats.shutdownNow();
        if (writerThread != null) writerThread.shutdownNow();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return ClusterPhases.REGISTRY;
    }
}
