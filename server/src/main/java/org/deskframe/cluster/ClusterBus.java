package org.deskframe.cluster;

import java.util.function.Consumer;

/**
 * Typed messages between the nodes of a deployment (the transport under fan-out and control, and for capabilities'
 * own cross-node messages such as a message posted on another node).
 *
 * <p>Guarantees:
 * <ul>
 * <li><b>At most once.</b> A message reaches each other node once or not at all: nothing is retried, duplicates are
 * dropped on receipt. Whatever must survive a loss has its durable truth elsewhere (the database) and a way to catch
 * up (messaging's resume, control's {@link ClusterControl.Listener#resynchronize}).</li>
 * <li><b>Order per publishing node.</b> Messages one node publishes (or sends to one node) are handled on every
 * receiving node in the order {@code publish} was called (each node publishes from one connection, and each node
 * handles what it receives on one thread). There is no order between messages of different publishers.</li>
 * <li><b>Never echoed.</b> {@link #publish} reaches every node but the publisher; a node that also needs the effect
 * applies it itself.</li>
 * <li><b>Never blocks the caller.</b> {@code publish} and {@code send} return at once. While the cluster is unreachable
 * they return {@code false} without trying (counted, logged at most every 30 s); a message accepted and then lost on
 * the way is counted too, and receivers notice the gap in the publisher's sequence: at its next message, or within
 * about a second from a beacon the publisher sends after its last messages, so a loss is noticed even when the
 * publisher falls quiet ({@link #onLoss}).</li>
 * <li><b>Handlers run on this node's one cluster thread</b>, in arrival order: they must not block (hand slow work to
 * another executor). A handler that throws is logged; the others still run.</li>
 * <li><b>Unknown types are ignored:</b> a message whose type no handler on this node subscribed to is dropped (an
 * unknown wire name is logged once per name), so nodes of different versions can run side by side.</li>
 * </ul>
 * Single node: there is no other node, so {@code publish} accepts and delivers nothing.
 */
public interface ClusterBus {

    /** This node's id ({@link ClusterSettings#nodeId()}), as {@link Presence} reports it. */
    String nodeId();

    /**
     * Sends a message to every other node.
     *
     * @return true when it was handed to the transport (not a proof of delivery), false when the cluster is unreachable
     * @throws IllegalArgumentException when the message's type lacks a valid {@link ClusterMessage.Name}
     */
    boolean publish(ClusterMessage message);

    /**
     * Sends a message to one node (such as one that {@link Presence} says holds a principal); the same guarantees as
     * {@link #publish}, in order with this node's other messages to that node. A message to a node that is gone is lost.
     */
    boolean send(String nodeId, ClusterMessage message);

    /**
     * Calls {@code handler} with every message of {@code type} that other nodes publish or send to this node, on this
     * node's cluster thread. Subscribing also teaches this node the type's wire name.
     */
    <T extends ClusterMessage> Subscription subscribe(Class<T> type, Consumer<? super T> handler);

    /**
     * Calls {@code listener} on the cluster thread, once per loss, with a time from which this node may have missed
     * messages: after an outage of the cluster connection, on a gap in another node's sequence, on another node's return
     * under a new epoch, and when another node is found dead (its liveness ran out: it may have died between a commit and
     * its publish, which no sequence shows). Capabilities whose
     * messages carry a durable truth (messaging's log) catch up from it.
     */
    Subscription onLoss(Consumer<java.time.Instant> listener);
}
