package org.deskframe.gateway;

/**
 * Where clients open the gateway. The gateway listens on a port of its own (docs/scaling.md says why), so the pages
 * and tools that connect to it ask here rather than assume the HTTP API's address.
 */
public interface GatewayEndpoint {

    /** The gateway's path on its port. */
    String PATH = "/api/v2/stream";

    /**
     * The WebSocket URL for a client that reached the platform's HTTP API with {@code scheme} at {@code host} (a host
     * name or address, without port): {@code deskframe.gateway.public-url} when set, else that host on the gateway's port.
     */
    String streamUrl(String scheme, String host);
}
