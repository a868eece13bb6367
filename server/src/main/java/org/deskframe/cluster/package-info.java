/**
 * What the nodes of one deployment share, behind narrow ports whose guarantees are written on them: typed messages
 * between nodes ({@link org.deskframe.cluster.ClusterBus}), frames for a principal's sessions wherever they are
 * ({@link org.deskframe.cluster.PrincipalFanout}), disconnect and revoke everywhere ({@link org.deskframe.cluster.ClusterControl}),
 * presence ({@link org.deskframe.cluster.Presence}) and cluster-wide limits ({@link org.deskframe.cluster.ClusterLimits}).
 * In memory for one node, over Redis for several ({@link org.deskframe.cluster.ClusterSettings#redisUrl()}); uses nothing of
 * Deskframe but the error catalogue, so the gateway and other capabilities depend on it and implement its callbacks.
 */
@org.springframework.modulith.ApplicationModule(allowedDependencies = "diagnostics")
package org.deskframe.cluster;
