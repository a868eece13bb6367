package org.deskframe.cluster;

import java.util.Collection;
import java.util.List;

/**
 * Frames for a principal's sessions on whichever nodes hold them (typing, receipts, a new conversation): the
 * gateway delivers a frame to its own sessions of those principals and hands it here for every other node's.
 *
 * <p>Guarantees: those of {@link ClusterBus} (at most once, in order per publishing node, never echoed, never
 * blocking). Every other node receives the frame and hands it to its {@link LocalSessions} (a node without sessions of
 * those principals does nothing with it), so a session registered on a node gets every frame published after it was
 * registered there, without waiting for {@link Presence} to spread. Frames that must not be lost are not sent this way
 * alone: messages have a durable log and a resume position.
 */
public interface PrincipalFanout {

    /**
     * Delivers {@code frame} (an encoded protocol frame) to the sessions of these principals on every other node.
     * {@code audience} travels with it untouched for the receiving side's local delivery to interpret (the gateway:
     * the scope a session must hold to receive the frame).
     *
     * @return false when the cluster is unreachable (other nodes' sessions miss it; this node's are the caller's)
     */
    boolean deliver(Collection<PrincipalKey> principals, String frame, String audience);

    /** Registers this node's local delivery (the gateway's); frames from other nodes reach it on the cluster thread. */
    Subscription onFrame(LocalSessions sessions);

    /** This node's sessions, as the gateway holds them. Must not block. */
    @FunctionalInterface
    interface LocalSessions {
        /** Sends {@code frame} to this node's open sessions of these principals that {@code audience} admits. */
        void deliver(List<PrincipalKey> principals, String frame, String audience);
    }
}
