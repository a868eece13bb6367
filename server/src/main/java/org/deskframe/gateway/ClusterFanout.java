package org.deskframe.gateway;

import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import jakarta.annotation.PreDestroy;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;
import org.deskframe.identity.RegionSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.event.EventListener;
import org.springframework.core.env.Environment;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Live delivery across nodes (scaled-out mode, when {@code deskframe.cluster.redis-url} is set): each node publishes
 * what it delivers to one Redis channel per region and delivers what other nodes publish to its own sessions.
 * Redis is only the fast path: what is lost on the way is restored by {@code resume} after any reconnect. Carries
 * {@link Pushes} to other nodes' sessions and capabilities' {@link ClusterRelay} messages.
 */
@Component
class ClusterFanout implements ClusterRelay {

    private static final Logger log = LoggerFactory.getLogger(ClusterFanout.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LocalPushes local;
    private final Map<String, Consumer<JsonNode>> handlers = new java.util.concurrent.ConcurrentHashMap<>();
    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    private final String channel;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    // One thread keeps other nodes' events in their publish order (each node publishes from one connection).
    private final ExecutorService inbound = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cluster-fanout").factory());

    ClusterFanout(@org.springframework.context.annotation.Lazy LocalPushes local, Environment env, RegionSettings region) {
        this.local = local;
        this.channel = "deskframe:fanout:" + region.id();
        String url = env.getProperty("deskframe.cluster.redis-url", "");
        if (url.isBlank()) {
            client = null;
            publisher = null;
            subscriber = null;
            return;
        }
        client = RedisClient.create(url);
        publisher = client.connect();
        subscriber = client.connectPubSub();
        subscriber.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String payload) {
                inbound.execute(() -> receive(payload));
            }
        });
        subscriber.sync().subscribe(channel);
        log.info("cluster fan-out over Redis channel {} as node {}", channel, node);
    }

    boolean enabled() {
        return client != null;
    }

    @Override
    public void publish(String type, Object body) {
        if (!enabled()) return;
        publish(Map.of("node", node, "type", "relay", "relay", type, "body", body));
    }

    @Override
    public <T> void subscribe(String type, Class<T> bodyType, Consumer<T> handler) {
        handlers.put(type, body -> handler.accept(JSON.treeToValue(body, bodyType)));
    }

    @EventListener
    void on(ClusterFrame frame) {
        if (!enabled()) return;
        publish(Map.of("node", node, "type", "frame", "principals", frame.principals(), "scope", frame.scope(),
                "frame", frame.frame()));
    }

    private void publish(Map<String, Object> envelope) {
        try {
            publisher.async().publish(channel, JSON.writeValueAsString(envelope));
        } catch (RuntimeException e) {
            log.warn("cluster fan-out publish failed (other nodes' clients catch up on resume): {}", e.toString());
        }
    }

    private void receive(String payload) {
        try {
            JsonNode e = JSON.readTree(payload);
            if (node.equals(e.get("node").asString())) return;
            switch (e.get("type").asString()) {
                case "relay" -> {
                    Consumer<JsonNode> handler = handlers.get(e.get("relay").asString());
                    if (handler != null) handler.accept(e.get("body"));
                }
                case "frame" -> {
                    List<String> principals = new java.util.ArrayList<>();
                    e.get("principals").forEach(a -> principals.add(a.asString()));
                    local.deliver(principals, org.deskframe.identity.Scope.valueOf(e.get("scope").asString()), e.get("frame").asString(), null);
                }
                default -> log.debug("ignoring cluster event {}", e.get("type"));
            }
        } catch (RuntimeException ex) {
            log.warn("ignoring an unreadable cluster event: {}", ex.toString());
        }
    }

    @PreDestroy
    void stop() {
        inbound.shutdown();
        if (client != null) {
            subscriber.close();
            publisher.close();
            client.shutdown();
        }
    }
}
