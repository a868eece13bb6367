package org.deskframe.cluster;

import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;

/**
 * Disconnect a principal, or close the sessions of revoked tokens, on every node, within well under a second and
 * without a database poll. The database stays the durable truth: a node that missed a request (it was cut off from
 * the cluster, or a message was lost) is told to {@link Listener#resynchronize} from that time, and the gateway's own
 * slow check of the revocation records still converges.
 *
 * <p>Guarantees: a request reaches this node's listeners (asynchronously, on the cluster thread) and every other
 * node's (over {@link ClusterBus}: at most once, in order per requesting node) within milliseconds while the cluster
 * is reachable. Each node that misses requests learns of it: after an outage of the cluster connection and when it
 * sees a gap in another node's sequence of messages, it calls {@link Listener#resynchronize} with a time a few seconds
 * before the loss could have begun. A reason code this node does not know (a newer node sent it) arrives as
 * {@link ErrorCode#SERVER_RESTARTING}: the client reconnects, and its handshake names the real cause.
 */
public interface ClusterControl {

    /**
     * Closes every session of {@code principal} everywhere with {@code reason} (such as {@link ErrorCode#AGENT_DISABLED}).
     *
     * @return false when the cluster is unreachable: only this node's sessions close now, other nodes converge from the database
     */
    boolean disconnect(PrincipalKey principal, ErrorCode reason);

    /**
     * Closes every session, everywhere, that holds one of these tokens (by their {@code jti}).
     *
     * @return false when the cluster is unreachable (as {@link #disconnect})
     */
    boolean tokensRevoked(Collection<String> tokenIds);

    /**
     * Tells every node that durable access records changed (an OAuth client or an agent): each re-reads them now rather
     * than at its next periodic check.
     *
     * @return false when the cluster is unreachable (as {@link #disconnect})
     */
    boolean accessChanged();

    /** Registers a listener (the gateway's); it is called on the cluster thread and must not block. */
    Subscription listen(Listener listener);

    /** What the gateway implements to act on control requests from any node, its own included. */
    interface Listener {

        /** Close this node's sessions of {@code principal} with {@code reason}. */
        void disconnect(PrincipalKey principal, ErrorCode reason);

        /** Close this node's sessions that hold one of these tokens (with {@code token.revoked}, or the cause the ledger names). */
        void tokensRevoked(Set<String> tokenIds);

        /** Some node changed durable access records: read them now (the gateway reads its access-change feed). */
        void accessChanged();

        /**
         * This node may have missed control requests since {@code since}: check the durable records (revoked tokens,
         * disabled agents) from then on, as the periodic check does. Runs once per loss, not per missed request.
         */
        void resynchronize(Instant since);
    }
}
