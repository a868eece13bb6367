package org.deskframe.gateway;

import io.micrometer.observation.ObservationPredicate;
import jakarta.servlet.http.HttpServletRequest;
import org.eclipse.jetty.server.ServerConnector;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.server.observation.ServerRequestObservationContext;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;
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

    /**
     * Jetty's listen backlog defaults to 50: a burst of connects (a node restart sends every widget back at once)
     * overflows it, and the kernel's SYN retries turned into a ~1 s p99 handshake (shared/STACK.md). There is no Boot
     * property for it.
     */
    static final int ACCEPT_QUEUE = 4096;

    @Bean
    JettyServerCustomizer gatewayAcceptQueue() {
        return server -> {
            for (var connector : server.getConnectors()) {
                if (connector instanceof ServerConnector c) c.setAcceptQueueSize(ACCEPT_QUEUE);
            }
        };
    }

    /**
     * No observations (HTTP server timings, security filter-chain spans) for WebSocket upgrade requests. Such a
     * request only ends when its socket closes, hours later, so its timing says nothing, and each unfinished
     * observation pins the whole upgrade exchange (Jetty's HTTP channel, request, response, headers, security
     * wrappers and three long-task-timer samples) for the connection's lifetime: about half of an idle session's heap
     * (docs/benchmarks.md). The gateway still logs every handshake.
     */
    @Bean
    ObservationPredicate noObservationOfWebSocketUpgrades() {
        return (name, context) -> {
            HttpServletRequest request = context instanceof ServerRequestObservationContext c ? c.getCarrier()
                    : RequestContextHolder.getRequestAttributes() instanceof ServletRequestAttributes a ? a.getRequest() : null;
            return request == null || !"websocket".equalsIgnoreCase(request.getHeader("Upgrade"));
        };
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
