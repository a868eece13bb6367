package org.deskframe.gateway;

import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.server.jetty.JettyRequestUpgradeStrategy;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Mounts the gateway at {@code /api/v2/stream} on Jetty. Jetty's own text limit sits above the protocol limit so
 * an oversized frame reaches the handler and gets {@code frame.too_large} instead of a bare 1009; the idle timeout
 * sits well above the heartbeat so dead peers are found by the protocol, not by the transport.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
class GatewayConfig implements WebSocketConfigurer {

    static final String PATH = "/api/v2/stream";

    private final StreamHandler handler;
    private final OriginGate originGate;
    private final GatewaySettings settings;

    GatewayConfig(StreamHandler handler, OriginGate originGate, GatewaySettings settings) {
        this.handler = handler;
        this.originGate = originGate;
        this.settings = settings;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(handler, PATH)
                .setHandshakeHandler(new DefaultHandshakeHandler(jettyUpgrade(settings)))
                .addInterceptors(originGate)
                .setAllowedOriginPatterns("*");
    }

    /** Jetty's WebSocket settings for the gateway; the bench echo endpoint uses the same, so it is a fair baseline. */
    static JettyRequestUpgradeStrategy jettyUpgrade(GatewaySettings settings) {
        JettyRequestUpgradeStrategy jetty = new JettyRequestUpgradeStrategy();
        jetty.addWebSocketConfigurer(c -> {
            c.setMaxTextMessageSize(Math.max(settings.maxFrameBytes() * 4L, 256 * 1024));
            c.setMaxBinaryMessageSize(64 * 1024);
            c.setIdleTimeout(settings.heartbeat().multipliedBy(3));
            c.setInputBufferSize(4096);
            c.setOutputBufferSize(4096);
        });
        return jetty;
    }
}
