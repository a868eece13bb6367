package org.deskframe.gateway;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;

/**
 * Another WebSocket path on the gateway's own transport: its port, upgrade gate (deadline, admission caps, Origin
 * check), Netty pipeline and frame limits, with a handler of its own instead of the gateway's protocol. For tools that
 * must measure or probe the transport itself (the benchmarks' bare echo, bench/); the platform mounts none.
 */
public interface TransportEndpoint {

    /** The path it answers, other than {@link GatewayEndpoint#PATH}. */
    String path();

    /** The last handler of one upgraded connection's pipeline; it receives the WebSocket frames. */
    ChannelHandler newConnectionHandler(Admission admission);

    /** The transport's caps on connections that have not authenticated: say when one has. */
    interface Admission {
        void authenticated(Channel channel);
    }
}
