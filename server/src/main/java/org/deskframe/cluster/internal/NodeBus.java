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


    Map<String, Long> counters();
}
