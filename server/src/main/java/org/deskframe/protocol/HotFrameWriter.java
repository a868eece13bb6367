package org.deskframe.protocol;

import java.io.StringWriter;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * The server frames every handshake (and every acknowledged send) writes, field by field on Jackson's streaming
 * generator: the same text {@link FrameCodec}'s polymorphic pass produces ({@code op} first, then the record's
 * components in order, absent ones left out, instants as ISO-8601), without resolving the type id, the serializers
 * and the record's properties per frame. {@code HotFrameWriterTests} holds the two to the same bytes for every variant.
 */
final class HotFrameWriter {

    private HotFrameWriter() {}

    /** The frame's text, or null when it is not one of the frames written here. */
    static String write(JsonMapper json, ServerFrame frame) {
        return switch (frame) {
            case ServerFrame.Ready r -> write(json, r);
            case ServerFrame.Presence p -> write(json, p);
            case ServerFrame.Ack a -> write(json, a);
            case ServerFrame.Refreshed r -> write(json, r);
            default -> null;
        };
    }

    private static String write(JsonMapper json, ServerFrame.Ready r) {
        return frame(json, Op.READY, 384, g -> {
            string(g, "id", r.id());
            string(g, "session", r.session());
            string(g, "widget", r.widget());
            if (r.agent() != null) {
                // AgentView has no inclusion rule of its own: its nulls are written, as Jackson writes them.
                g.writeName("agent");
                g.writeStartObject();
                g.writeStringProperty("id", r.agent().id());
                g.writeStringProperty("username", r.agent().username());
                g.writeStringProperty("displayName", r.agent().displayName());
                g.writeStringProperty("org", r.agent().org());
                g.writeEndObject();
            }
            strings(g, "scopes", r.scopes());
            instant(g, "expiresAt", r.expiresAt());
            g.writeNumberProperty("heartbeatSeconds", r.heartbeatSeconds());
            g.writeNumberProperty("maxFrameBytes", r.maxFrameBytes());
        });
    }

    private static String write(JsonMapper json, ServerFrame.Presence p) {
        return frame(json, Op.PRESENCE, 160, g -> {
            string(g, "id", p.id());
            string(g, "agent", p.agent());
            string(g, "status", p.status());
            instant(g, "since", p.since());
        });
    }

    private static String write(JsonMapper json, ServerFrame.Ack a) {
        return frame(json, Op.ACK, 160, g -> {
            string(g, "id", a.id());
            string(g, "conversation", a.conversation());
            g.writeNumberProperty("seq", a.seq());
            string(g, "clientMessageId", a.clientMessageId());
            g.writeBooleanProperty("duplicate", a.duplicate());
        });
    }

    private static String write(JsonMapper json, ServerFrame.Refreshed r) {
        return frame(json, Op.REFRESHED, 256, g -> {
            string(g, "id", r.id());
            instant(g, "expiresAt", r.expiresAt());
            strings(g, "scopes", r.scopes());
        });
    }

    /** One JSON object: {@code op} first, then what {@code fields} writes. */
    private static String frame(JsonMapper json, Op op, int size, Consumer<JsonGenerator> fields) {
        StringWriter out = new StringWriter(size);
        try (JsonGenerator g = json.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringProperty("op", op.wire());
            fields.accept(g);
            g.writeEndObject();
        }
        return out.toString();
    }

    /** Left out when null (the frames' NON_NULL rule). */
    private static void string(JsonGenerator g, String name, String value) {
        if (value != null) g.writeStringProperty(name, value);
    }

    private static void instant(JsonGenerator g, String name, Instant value) {
        // Jackson's InstantSerializer writes DateTimeFormatter.ISO_INSTANT, which is what Instant.toString() is.
        if (value != null) g.writeStringProperty(name, value.toString());
    }

    private static void strings(JsonGenerator g, String name, List<String> values) {
        if (values == null) return;
        g.writeName(name);
        g.writeStartArray();
        for (String v : values) {
            if (v == null) g.writeNull();
            else g.writeString(v);
        }
        g.writeEndArray();
    }
}
