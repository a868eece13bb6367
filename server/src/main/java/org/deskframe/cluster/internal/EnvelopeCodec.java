package org.deskframe.cluster.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.deskframe.cluster.ClusterMessage;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The wire form of bus messages: {@code {"type":..,"node":..,"epoch":..,"seq":..,"body":{..}}}, the body being the
 * record's components. Type names come from {@link ClusterMessage.Name}; a node knows the types it publishes or
 * subscribes to, and only those.
 */
final class EnvelopeCodec {

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9._-]*");

    private final JsonMapper json = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .build();
    private final ConcurrentHashMap<String, Class<? extends ClusterMessage>> byName = new ConcurrentHashMap<>();
    private final ClassValue<String> names = new ClassValue<>() {
        @Override
        protected String computeValue(Class<?> type) {
            ClusterMessage.Name name = type.getAnnotation(ClusterMessage.Name.class);
            if (name == null || !NAME.matcher(name.value()).matches()) {
                throw new IllegalArgumentException(type.getName() + " needs @ClusterMessage.Name with a stable wire name"
                        + " ([a-z][a-z0-9._-]*), such as @ClusterMessage.Name(\"messaging.posted\")");
            }
            return name.value();
        }
    };

    /** The wire name of {@code type}, which this node then also knows on receipt. */
    String nameOf(Class<? extends ClusterMessage> type) {
        String name = names.get(type);
        Class<? extends ClusterMessage> known = byName.putIfAbsent(name, type);
        if (known != null && known != type) {
            throw new IllegalArgumentException("wire name '" + name + "' is taken by " + known.getName() + ", not " + type.getName());
        }
        return name;
    }

    Class<? extends ClusterMessage> typeNamed(String name) {
        return byName.get(name);
    }

    /** The body alone, encoded outside the publisher's lock. */
    String body(ClusterMessage message) {
        return json.writeValueAsString(message);
    }

    /** Type, node and epoch are restricted to characters that need no escaping in JSON. */
    static String envelope(String type, String node, String epoch, long seq, String body) {
        return "{\"type\":\"" + type + "\",\"node\":\"" + node + "\",\"epoch\":\"" + epoch + "\",\"seq\":" + seq
                + ",\"body\":" + body + "}";
    }

    Incoming read(String payload) {
        JsonNode root = json.readTree(payload);
        JsonNode type = root.get("type");
        JsonNode node = root.get("node");
        JsonNode epoch = root.get("epoch");
        JsonNode seq = root.get("seq");
        if (type == null || node == null || epoch == null || seq == null || !seq.canConvertToLong()) {
            throw new IllegalArgumentException("not a cluster envelope (type, node, epoch and seq required)");
        }
        return new Incoming(type.asString(), node.asString(), epoch.asString(), seq.asLong(), root.get("body"));
    }

    <T extends ClusterMessage> T decode(Incoming in, Class<T> type) {
        return json.treeToValue(in.body(), type);
    }

    record Incoming(String type, String node, String epoch, long seq, JsonNode body) {}
}
