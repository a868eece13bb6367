package org.deskframe.bench;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deskframe.gateway.GatewaySettings;
import org.deskframe.gateway.TransportEndpoint;
import org.springframework.stereotype.Component;

/**
 * The benchmarks' baseline: a bare WebSocket endpoint at {@value #PATH} on exactly the gateway's transport (its port,
 * upgrade gate, Netty pipeline and settings), mounted through {@link TransportEndpoint}. It is not part of the
 * platform: {@code bench/gateway-bench.sh} puts only this class on the server's class path ({@code loader.path},
 * {@code bench/target/deskframe-bench-*-echo.jar}), where component scanning finds it. The first frame is answered with
 * {@code {"op":"ready"}} (the shape of a handshake, without any check), every later frame is echoed back, and every
 * open socket gets {@code {"op":"ping"}} once per heartbeat, like the gateway's idle sessions.
 */
@Component
public class EchoEndpoint implements TransportEndpoint, AutoCloseable {

    static final String PATH = "/api/v2/bench/echo";
    private static final String READY = "{\"op\":\"ready\"}";
    private static final String PING = "{\"op\":\"ping\"}";

    private final Set<Channel> open = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("bench-echo-ping").daemon(true).factory());

    public EchoEndpoint(GatewaySettings settings) {
        long heartbeatMs = settings.heartbeat().toMillis();
        pinger.scheduleWithFixedDelay(() -> {
            for (Channel c : open) c.writeAndFlush(new TextWebSocketFrame(PING));
        }, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public String path() {
        return PATH;
    }

    /** A handler per connection, like the gateway's own: it only remembers whether it said ready. */
    @Override
    public ChannelHandler newConnectionHandler(Admission admission) {
        return new ChannelInboundHandlerAdapter() {
            private boolean ready;

            @Override
            public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
                if (event instanceof WebSocketServerProtocolHandler.HandshakeComplete) open.add(ctx.channel());
                super.userEventTriggered(ctx, event);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                try {
                    if (!(msg instanceof TextWebSocketFrame frame)) return;
                    String text = frame.text();
                    if (text.startsWith("{\"op\":\"pong\"")) return;
                    ctx.writeAndFlush(new TextWebSocketFrame(ready ? text : READY));
                    if (!ready) admission.authenticated(ctx.channel());
                    ready = true;
                } finally {
                    ReferenceCountUtil.release(msg);
                }
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                open.remove(ctx.channel());
                super.channelInactive(ctx);
            }
        };
    }

    @Override
    public void close() {
        pinger.shutdownNow();
    }
}
