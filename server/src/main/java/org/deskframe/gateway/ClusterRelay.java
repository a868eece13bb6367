package org.deskframe.gateway;

import java.util.function.Consumer;

/**
 * Capabilities' own messages to the other nodes (scaled out: over the gateway's Redis fan-out): a named type and a JSON
 * body, at most once, in publish order per node, never echoed to the publisher. Interim: the cluster capability's bus
 * takes this role.
 */
public interface ClusterRelay {

    void publish(String type, Object body);

    <T> void subscribe(String type, Class<T> bodyType, Consumer<T> handler);
}
