package org.deskframe.cluster.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.deskframe.cluster.ClusterMessage;
import org.deskframe.cluster.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's one cluster thread: what other nodes send is queued here from the transport's thread (never blocking
 * it; a full queue drops and counts), decoded, checked against each publisher's sequence (duplicates dropped, gaps
 * counted and reported as a loss) and handed to the subscribers of its type, one message at a time in arrival order.
 */
final class Dispatcher {

    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Runnable WAKE = () -> { };
    private static final int PUBLISHERS_TRACKED = 1024;
    private static final int UNKNOWN_NAMES_LOGGED = 64;

    /** Which of a publisher's sequences a message belongs to: its broadcasts, or its messages to this node. */
    enum Stream { ALL, DIRECT }

    private final String self;
    private final EnvelopeCodec codec;
    private final BusCounters counters;
    private final BlockingQueue<Runnable> queue;
    private final Map<Class<?>, List<Consumer<Object>>> handlers = new ConcurrentHashMap<>();
    private final List<Consumer<Instant>> lossListeners = new CopyOnWriteArrayList<>();
    private final AtomicReference<Instant> lossSince = new AtomicReference<>();
    private final Set<String> unknownLogged = ConcurrentHashMap.newKeySet();
    private final LogThrottle droppedLog = new LogThrottle(Duration.ofSeconds(30));
    private final LogThrottle unreadableLog = new LogThrottle(Duration.ofSeconds(30));
    /** Last sequence seen and when, per publisher epoch and stream; touched on the cluster thread only. */
    private final Map<String, long[]> positions = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
            return size() > PUBLISHERS_TRACKED;
        }
    };
    /** The last epoch seen per publisher and stream, to tell a restarted publisher; cluster thread only. */
    private final Map<String, String> epochs = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
            return size() > PUBLISHERS_TRACKED;
        }
    };
    private volatile Thread thread;
    private volatile boolean running;

    Dispatcher(String self, EnvelopeCodec codec, BusCounters counters, int capacity) {
        this.self = self;
        this.codec = codec;
        this.counters = counters;
        this.queue = new ArrayBlockingQueue<>(capacity);
    }

    synchronized void start() {
        if (running) return;
        running = true;
        thread = Thread.ofPlatform().daemon().name("cluster-" + self).start(this::loop);
    }

    synchronized void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A message from another node; called on the transport's thread. */
    void offer(Stream stream, String payload) {
        if (!queue.offer(() -> receive(stream, payload, false))) {
            counters.dropped.incrementAndGet();
            reportLoss(Instant.now());
            droppedLog.warn(log, "cluster: this node's inbound queue is full ({} messages): messages from other nodes are"
                    + " dropped (the cluster thread is blocked or too slow; a handler must not block)", queue.size());
        }
    }

    /** A message this node sent to itself ({@code send} to its own id): no echo or sequence check. */
    void offerOwn(String payload) {
        if (!queue.offer(() -> receive(Stream.DIRECT, payload, true))) {
            counters.dropped.incrementAndGet();
        }
    }

    /** Runs {@code task} on the cluster thread, after what is already queued (false when the queue is full). */
    boolean execute(Runnable task) {
        boolean queued = queue.offer(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                log.warn("cluster: a local task failed", e);
            }
        });
        if (!queued) counters.dropped.incrementAndGet();
        return queued;
    }

    /** This node may have missed messages since {@code since}; the loss listeners hear of it once, on the cluster thread. */
    void reportLoss(Instant since) {
        lossSince.accumulateAndGet(since, (a, b) -> a == null ? b : b == null ? a : a.isBefore(b) ? a : b);
        queue.offer(WAKE);
    }

    /** A publisher found dead: a loss from when it was last heard (now if never); on the cluster thread. */
    void publisherGone(String node) {
        long lastHeard = 0;
        String prefix = node + '|';
        for (Map.Entry<String, long[]> e : positions.entrySet()) {
            if (e.getKey().startsWith(prefix)) lastHeard = Math.max(lastHeard, e.getValue()[1]);
        }
        counters.gaps.incrementAndGet();
        reportLoss(lastHeard == 0 ? Instant.now() : Instant.ofEpochMilli(lastHeard));
    }

    Subscription onLoss(Consumer<Instant> listener) {
        lossListeners.add(listener);
        return () -> lossListeners.remove(listener);
    }

    @SuppressWarnings("unchecked")
    <T extends ClusterMessage> Subscription subscribe(Class<T> type, Consumer<? super T> handler) {
        codec.nameOf(type);
        Consumer<Object> h = m -> handler.accept((T) m);
        handlers.computeIfAbsent(type, k -> new CopyOnWriteArrayList<>()).add(h);
        return () -> handlers.getOrDefault(type, Collections.emptyList()).remove(h);
    }

    private void loop() {
        while (running) {
            Runnable task;
            try {
                task = queue.take();
            } catch (InterruptedException e) {
                if (!running) return;
                continue;
            }
            task.run();
            Instant lost = lossSince.getAndSet(null);
            if (lost != null) {
                for (Consumer<Instant> l : lossListeners) {
                    try {
                        l.accept(lost);
                    } catch (RuntimeException e) {
                        log.warn("cluster: a loss listener failed", e);
                    }
                }
            }
        }
    }

    private void receive(Stream stream, String payload, boolean own) {
        EnvelopeCodec.Incoming in;
        try {
            in = codec.read(payload);
        } catch (RuntimeException e) {
            counters.unreadable.incrementAndGet();
            unreadableLog.warn(log, "cluster: ignoring an unreadable message from another node: {}", e.toString());
            return;
        }
        if (!own) {
            if (self.equals(in.node())) return;
            if (!inSequence(stream, in)) return;
        }
        Class<? extends ClusterMessage> type = codec.typeNamed(in.type());
        if (type == null) {
            counters.unknownTypes.incrementAndGet();
            if (unknownLogged.size() < UNKNOWN_NAMES_LOGGED && unknownLogged.add(in.type())) {
                log.info("cluster: ignoring messages of type '{}' from node {}: this node does not know that type (a newer or"
                        + " different version sent it); logged once", in.type(), in.node());
            }
            return;
        }
        List<Consumer<Object>> hs = handlers.get(type);
        if (hs == null || hs.isEmpty()) return;
        ClusterMessage message;
        try {
            message = codec.decode(in, type);
        } catch (RuntimeException e) {
            counters.unreadable.incrementAndGet();
            unreadableLog.warn(log, "cluster: ignoring an unreadable '{}' from node {}: {}", in.type(), in.node(), e.toString());
            return;
        }
        counters.received.incrementAndGet();
        for (Consumer<Object> h : hs) {
            try {
                h.accept(message);
            } catch (RuntimeException e) {
                log.warn("cluster: a handler of '{}' failed", in.type(), e);
            }
        }
    }

    private boolean inSequence(Stream stream, EnvelopeCodec.Incoming in) {
        String key = in.node() + '|' + in.epoch() + '|' + stream;
        long now = System.currentTimeMillis();
        long[] last = positions.get(key);
        if (last == null) {
            String previous = epochs.put(in.node() + '|' + stream, in.epoch());
            if (previous != null && !previous.equals(in.epoch())) {
                // A publisher that restarted (a killed node) may have died with messages it decided and never sent:
                // no sequence shows those, so its return counts as a loss from when it was last heard.
                long[] before = positions.get(in.node() + '|' + previous + '|' + stream);
                counters.gaps.incrementAndGet();
                reportLoss(Instant.ofEpochMilli(before == null ? now : before[1]));
            }
            positions.put(key, new long[] {in.seq(), now});
            return true;
        }
        if (in.seq() <= last[0]) {
            counters.duplicates.incrementAndGet();
            return false;
        }
        if (in.seq() > last[0] + 1) {
            counters.gaps.incrementAndGet();
            reportLoss(Instant.ofEpochMilli(last[1]));
        }
        last[0] = in.seq();
        last[1] = now;
        return true;
    }
}
