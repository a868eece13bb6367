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
import org.deskframe.identity.RegionSettings;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.MessagePosted;
import org.deskframe.messaging.Participant;
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
 * Redis is only the fast path: a message lost on the way is still filled in from the log by the next one, and by
 * {@code resume} after any reconnect, since delivery cursors are per session.
 */
@Component
class ClusterFanout {

    private static final Logger log = LoggerFactory.getLogger(ClusterFanout.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final LiveDelivery delivery;
    private final String node = HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
    private final String channel;
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> publisher;
    private final StatefulRedisPubSubConnection<String, String> subscriber;
    // One thread keeps other nodes' events in their publish order (each node publishes from one connection).
    private final ExecutorService inbound = Executors.newSingleThreadExecutor(Thread.ofPlatform().name("cluster-fanout").factory());

    ClusterFanout(LiveDelivery delivery, Environment env, RegionSettings region) {
        this.delivery = delivery;
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

    @EventListener
    void on(MessagePosted event) {
        if (!enabled()) return;
        publish(Map.of("node", node, "type", "message", "message", event.message(), "recipients", event.recipients()));
    }

    @EventListener
    void on(ClusterFrame frame) {
        if (!enabled()) return;
        publish(Map.of("node", node, "type", "frame", "agents", frame.agents(), "frame", frame.frame()));
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
                case "message" -> {
                    Message message = JSON.treeToValue(e.get("message"), Message.class);
                    List<Participant> recipients = List.of(JSON.treeToValue(e.get("recipients"), Participant[].class));
                    delivery.deliverToLocalSessions(message, recipients);
                }
                case "frame" -> {
                    List<String> agents = new java.util.ArrayList<>();
                    e.get("agents").forEach(a -> agents.add(a.asString()));
                    delivery.sendToLocalSessions(agents, e.get("frame").asString());
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
