package org.deskframe.cluster.internal;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.deskframe.cluster.ClusterMessage;
import org.deskframe.cluster.ClusterSettings;
import org.deskframe.cluster.Subscription;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * What both transports share: wire names checked before anything is sent, one sequence per stream (broadcasts, and
 * messages to each node) assigned and handed to the transport under one lock so that the order of {@code publish}
 * calls is the order on the wire, and the receiving side in a {@link Dispatcher}.
 */
abstract class AbstractBus implements NodeBus, SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(AbstractBus.class);
    private static final int TARGETS_TRACKED = 1024;

    protected final String node;
    /** New at every start, so receivers tell a restarted node's sequence from the old one's. */
    protected final String epoch;
    protected final EnvelopeCodec codec = new EnvelopeCodec();
    protected final BusCounters counters = new BusCounters();
    protected final Dispatcher dispatcher;
    private final LogThrottle refusedLog = new LogThrottle(Duration.ofSeconds(30));
    private long broadcastSeq;
    private final Map<String, Long> directSeq = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
            return size() > TARGETS_TRACKED;
        }
    };
    private volatile boolean running;
    /** The broadcast sequence after the last real (non-beacon) message, and how many beacons followed it. */
    private long lastRealSeq;
    private int beaconsSinceReal;
    private java.util.concurrent.ScheduledExecutorService beacons;

    AbstractBus(ClusterSettings settings) {
        this.node = settings.nodeId();
        byte[] random = new byte[6];
        new SecureRandom().nextBytes(random);
        this.epoch = HexFormat.of().formatHex(random);
        this.dispatcher = new Dispatcher(node, codec, counters, settings.inboundQueue());
    }

    /** Whether the transport would take a message now (a refusal is then immediate). */
    protected abstract boolean transportReady();

    /** Hands the envelope to the transport without waiting; {@code target} null means every other node. */
    protected abstract boolean transmit(String target, String payload);

    /** False when the transport knows that no node would receive a message to {@code target} (null: all others). */
    protected boolean anyReceiver(String target) {
        return true;
    }

    @Override
    public String nodeId() {
        return node;
    }

    @Override
    public boolean publish(ClusterMessage message) {
        return emit(null, message);
    }

    @Override
    public boolean send(String nodeId, ClusterMessage message) {
        if (nodeId.equals(node)) {
            String type = codec.nameOf(message.getClass());
            dispatcher.offerOwn(EnvelopeCodec.envelope(type, node, epoch, 0, codec.body(message)));
            return true;
        }
        return emit(nodeId, message);
    }

    private boolean emit(String target, ClusterMessage message) {
        String type = codec.nameOf(message.getClass());
        boolean beacon = message instanceof Beacon;
        if (!transportReady()) {
            // A refused beacon would only hide the gap it exists to reveal.
            if (!beacon) skipPosition(target);
            refused(type);
            return false;
        }
        // With nobody to hear it the message is not encoded, but it still takes its place in the sequence.
        boolean heard = anyReceiver(target);
        String body = heard ? codec.body(message) : null;
        synchronized (this) {
            long seq = (target == null ? broadcastSeq : directSeq.getOrDefault(target, 0L)) + 1;
            if (heard && !transmit(target, EnvelopeCodec.envelope(type, node, epoch, seq, body))) {
                if (!beacon) skipPosition(target);
                refused(type);
                return false;
            }
            advance(target, seq, beacon);
        }
        counters.published.incrementAndGet();
        return true;
    }

    /**
     * A message refused (the cluster unreachable) still takes its place in the sequence: receivers then see the gap at
     * this node's next message, or from the beacons that follow it once the link is back, and catch up from the
     * durable truth, as for a message lost on the way. Without it a push refused while this node's Redis link was cut
     * would leave no trace on the nodes that missed it.
     */
    private synchronized void skipPosition(String target) {
        advance(target, (target == null ? broadcastSeq : directSeq.getOrDefault(target, 0L)) + 1, false);
    }

    private void advance(String target, long seq, boolean beacon) {
        if (target == null) {
            broadcastSeq = seq;
            if (!beacon) {
                lastRealSeq = seq;
                beaconsSinceReal = 0;
            }
        } else {
            directSeq.put(target, seq);
        }
    }

    private void refused(String type) {
        counters.refused.incrementAndGet();
        refusedLog.warn(log, "cluster: not sent to other nodes ('{}'): the cluster is unreachable; sessions on this node"
                + " keep working, other nodes miss it", type);
    }

    /** A message accepted by the transport and lost on the way (a timeout, the connection dropped). */
    protected void failedOnTheWay(Throwable cause) {
        counters.failed.incrementAndGet();
        refusedLog.warn(log, "cluster: a message to other nodes was lost on the way: {}", cause.toString());
    }

    @Override
    public <T extends ClusterMessage> Subscription subscribe(Class<T> type, Consumer<? super T> handler) {
        return dispatcher.subscribe(type, handler);
    }

    @Override
    public boolean runOnClusterThread(Runnable task) {
        return dispatcher.execute(task);
    }

    @Override
    public Subscription onLoss(Consumer<Instant> listener) {
        return dispatcher.onLoss(listener);
    }

    @Override
    public Map<String, Long> counters() {
        return counters.snapshot();
    }

    /**
     * Carries nothing but its place in the publisher's sequence: sent once a second for a few seconds after the last
     * broadcast, so that receivers notice the loss of that broadcast though nothing follows it.
     */
    @ClusterMessage.Name("cluster.beacon")
    record Beacon() implements ClusterMessage {}

    /**
     * A node found dead by the one that swept it. A node killed between a commit and its publish leaves no gap in any
     * sequence (nothing of it follows), and it may never come back under a new epoch: its death is the loss.
     */
    @ClusterMessage.Name("cluster.node_gone")
    record NodeGone(String node) implements ClusterMessage {}

    /**
     * Another node's liveness ran out (this node swept it): it may have died with messages it decided and never sent,
     * so this node and every other count it as a loss from when it was last heard, and catch up from the durable truth.
     */
    void peerGone(String deadNode) {
        dispatcher.execute(() -> dispatcher.publisherGone(deadNode));
        // Lost on the way, it leaves a gap in this node's sequence, which is a loss there too.
        publish(new NodeGone(deadNode));
    }

    static final Duration BEACON_INTERVAL = Duration.ofSeconds(1);
    static final int BEACONS_AFTER_LAST_MESSAGE = 3;

    void beacon() {
        // Beacons wait for the link: those after a refused message must reach the other nodes to reveal its gap.
        if (!transportReady()) return;
        synchronized (this) {
            if (lastRealSeq == 0 || beaconsSinceReal >= BEACONS_AFTER_LAST_MESSAGE) return;
            beaconsSinceReal++;
        }
        emit(null, new Beacon());
    }

    @Override
    public void start() {
        dispatcher.start();
        dispatcher.subscribe(Beacon.class, b -> { });
        dispatcher.subscribe(NodeGone.class, g -> {
            if (!g.node().equals(node)) dispatcher.publisherGone(g.node());
        });
        running = true;
        beacons = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("cluster-beacon-" + node).factory());
        beacons.scheduleWithFixedDelay(this::beaconQuietly, BEACON_INTERVAL.toMillis(), BEACON_INTERVAL.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    private void beaconQuietly() {
        try {
            beacon();
        } catch (RuntimeException e) {
            log.debug("cluster: beacon not sent", e);
        }
    }

    @Override
    public void stop() {
        running = false;
        if (beacons != null) beacons.shutdownNow();
        dispatcher.stop();
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public int getPhase() {
        return ClusterPhases.BUS;
    }
}
