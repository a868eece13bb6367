package org.deskframe.cluster.internal;

/**
 * Start and stop order of the cluster's lifecycles: the Redis connection first (and closed last), then the bus, then
 * this node's registrations, all before the gateway starts accepting sessions and after it has closed them.
 */
final class ClusterPhases {
    static final int LINK = Integer.MIN_VALUE + 1000;
    static final int BUS = LINK + 1;
    static final int REGISTRY = LINK + 2;

    private ClusterPhases() {}
}
