package org.deskframe.cluster.internal;

import org.deskframe.cluster.ClusterSettings;

/** The bus between nodes of one process: a publish is queued on each other node's cluster thread. */
final class MemoryBus extends AbstractBus {

    private final MemoryHub hub;

    MemoryBus(MemoryHub hub, ClusterSettings settings) {
        super(settings);
        this.hub = hub;
    }

    @Override
    protected boolean transportReady() {
        return true;
    }

    @Override
    protected boolean transmit(String target, String payload) {
        if (target == null) {
            for (Dispatcher other : hub.othersThan(node)) other.offer(Dispatcher.Stream.ALL, payload);
        } else {
            Dispatcher other = hub.inboundOf(target);
            if (other != null) other.offer(Dispatcher.Stream.DIRECT, payload);
        }
        return true;
    }

    /** A single node (the embedded default) has no one to publish to: saves encoding every message posted. */
    @Override
    protected boolean anyReceiver(String target) {
        return target == null ? hub.hasOthersThan(node) : hub.inboundOf(target) != null;
    }

    @Override
    public void start() {
        super.start();
        hub.attach(node, dispatcher);
    }

    @Override
    public void stop() {
        hub.detach(node);
        super.stop();
    }
}
