package org.deskframe.cluster.internal;

import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.cluster.Subscription;

/** The bus as control, fan-out and health see it: its cluster thread, its losses, its counters. */
interface NodeBus extends ClusterBus {

    /** Runs {@code task} on this node's cluster thread, in order with the messages it handles. */
    boolean runOnClusterThread(Runnable task);

    /** Called on the cluster thread, once per loss, with a time from which messages may be missing. */
    Subscription onLoss(Consumer<Instant> listener);

    Map<String, Long> counters();
}
