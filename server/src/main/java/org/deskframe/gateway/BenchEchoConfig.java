package org.deskframe.gateway;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import org.eclipse.jetty.websocket.server.WebSocketUpgradeHandler;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.jetty.JettyServerCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.socket.CloseStatus;
import org.springframework.web.socket.TextMessage;
import org.springframework.web.socket.WebSocketSession;
import org.springframework.web.socket.config.annotation.EnableWebSocket;
import org.springframework.web.socket.config.annotation.WebSocketConfigurer;
import org.springframework.web.socket.config.annotation.WebSocketHandlerRegistry;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketHandlerAdapter;
import org.springframework.web.socket.adapter.jetty.JettyWebSocketSession;
import org.springframework.web.socket.handler.TextWebSocketHandler;
import org.springframework.web.socket.server.support.DefaultHandshakeHandler;

/**
 * Benchmarks only, off by default ({@code deskframe.bench.echo-endpoint=true} turns it on): a bare WebSocket endpoint
 * at {@value #PATH} on exactly the gateway's stack (Spring's WebSocket handler on Jetty, the gateway's Jetty settings,
 * the same security filter chain) so the gateway's figures have a baseline. The first frame is answered with
 * {@code {"op":"ready"}} (the shape of a handshake, without any check), every later frame is echoed back, and every
 * open socket gets {@code {"op":"ping"}} once per heartbeat, like the gateway's idle sessions. It keeps no state
 * beyond a set of open sockets and never touches tokens or conversations.
 */
@Configuration(proxyBeanMethods = false)
@EnableWebSocket
@ConditionalOnProperty(name = "deskframe.bench.echo-endpoint", havingValue = "true")
class BenchEchoConfig implements WebSocketConfigurer {

    static final String PATH = "/api/v2/bench/echo";
    /** The same echo handler, upgraded by Jetty's core WebSocket handler in front of the servlet layer. */
    static final String CORE_PATH = "/api/v2/bench/echo-core";

    private final GatewaySettings settings;

    BenchEchoConfig(GatewaySettings settings) {
        this.settings = settings;
    }

    @Override
    public void registerWebSocketHandlers(WebSocketHandlerRegistry registry) {
        registry.addHandler(new Echo(settings.heartbeat().toMillis()), PATH)
                .setHandshakeHandler(new DefaultHandshakeHandler(GatewayConfig.jettyUpgrade(settings)))
                .setAllowedOriginPatterns("*");
    }

    /**
     * The same Spring handler mounted outside the servlet layer (no DispatcherServlet, no security filter chain):
     * shows what the servlet-level upgrade costs per idle connection.
     */
    @Bean
    JettyServerCustomizer benchEchoCore() {
        Echo echo = new Echo(settings.heartbeat().toMillis());
        return server -> {
            WebSocketUpgradeHandler upgrade = WebSocketUpgradeHandler.from(server, container -> {
                container.setIdleTimeout(settings.heartbeat().multipliedBy(3));
                container.setInputBufferSize(4096);
                container.setOutputBufferSize(4096);
                container.setMaxTextMessageSize(Math.max(settings.maxFrameBytes() * 4L, 256 * 1024));
                container.addMapping(CORE_PATH, (request, response, callback) ->
                        new JettyWebSocketHandlerAdapter(echo, new JettyWebSocketSession(new HashMap<>())));
            });
            upgrade.setHandler(server.getHandler());
            server.setHandler(upgrade);
        };
    }

    static final class Echo extends TextWebSocketHandler {
        private static final String READY = "{\"op\":\"ready\"}";
        private static final String PING = "{\"op\":\"ping\"}";
        private final Set<WebSocketSession> open = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("bench-echo-ping").daemon(true).factory());

        Echo(long heartbeatMs) {
            pinger.scheduleWithFixedDelay(() -> {
                for (WebSocketSession s : open) send(s, PING);
            }, heartbeatMs, heartbeatMs, TimeUnit.MILLISECONDS);
        }

        @Override
        public void afterConnectionEstablished(WebSocketSession session) {
            open.add(session);
        }

        @Override
        protected void handleTextMessage(WebSocketSession session, TextMessage message) {
            String text = message.getPayload();
            if (text.startsWith("{\"op\":\"pong\"")) return;
            if (session.getAttributes().putIfAbsent("ready", Boolean.TRUE) == null) {
                send(session, READY);
            } else {
                send(session, text);
            }
        }

        @Override
        public void afterConnectionClosed(WebSocketSession session, CloseStatus status) {
            open.remove(session);
        }

        private static void send(WebSocketSession s, String text) {
            // Jetty's session allows one writer at a time: the pinger and the echo may meet here.
            synchronized (s) {
                try {
                    if (s.isOpen()) s.sendMessage(new TextMessage(text));
                } catch (IOException | IllegalStateException ignored) {
                    // closed meanwhile
                }
            }
        }
    }
}
