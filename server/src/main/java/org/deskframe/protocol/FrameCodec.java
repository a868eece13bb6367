package org.deskframe.protocol;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Decodes client frames strictly (a JSON object with a known {@code op} and fields of the right types and sizes)
 * and encodes server frames through Jackson, {@code op} first. Anything else is a {@code protocol.bad_frame} that says what was wrong; the decoder
 * never throws anything but {@link BadFrame}, which carries the frame's id whenever it could be read, so the error
 * reply can echo it.
 */
public final class FrameCodec {

    static final int MAX_ID = 100;
    static final int MAX_TOKEN = 16_384;
    static final int MAX_TEXT = 16_000;
    static final int MAX_CONVERSATIONS = 1_000;
    /** A video offer with every codec Chromium knows is ~10 KB; room for more. */
    static final int MAX_SDP = 64_000;

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Server frames: the record's components in order after {@code op}; instants as ISO-8601 text. */
    private static final tools.jackson.databind.ObjectWriter FRAMES = JSON.writerFor(ServerFrame.class);

    private FrameCodec() {}

    /** A frame that does not decode; {@code id} is the frame's id when it was readable (else null). */
    public static final class BadFrame extends ProblemException {
        private final String id;

        BadFrame(String id, ProblemException cause) {
            super(cause.problem());
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public static ClientFrame decode(String text) {
        JsonNode root;
        try {
            root = JSON.readTree(text);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new BadFrame(null, bad("the frame is not valid JSON"));
        }
        if (root == null || !root.isObject()) {
            throw new BadFrame(null, bad("the frame must be a JSON object with an 'op' field"));
        }
        // The id first, leniently, so that a frame refused for any other field still gets an answer the client can match.
        String id = lenientId(root.get("id"));
        try {
            return decodeObject(root);
        } catch (ProblemException e) {
            throw new BadFrame(id, e);
        }
    }

    /**
     * The frame's {@code id} without validating anything else (for frames dropped before decoding, such as those over
     * the rate limit): a string of at most {@value #MAX_ID} characters at the top level of a JSON object, or null.
     * Reads no further than the id.
     */
    public static String idOf(String text) {
        try (JsonParser p = JSON.createParser(text)) {
            if (p.nextToken() != JsonToken.START_OBJECT) return null;
            for (JsonToken t = p.nextToken(); t == JsonToken.PROPERTY_NAME; t = p.nextToken()) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                if ("id".equals(name)) {
                    return value == JsonToken.VALUE_STRING && p.getString().length() <= MAX_ID ? p.getString() : null;
                }
                p.skipChildren();
            }
            return null;
        } catch (JacksonException | IllegalArgumentException e) {
            return null;
        }
    }

    private static String lenientId(JsonNode n) {
        return n != null && n.isString() && n.stringValue().length() <= MAX_ID ? n.stringValue() : null;
    }

    private static ClientFrame decodeObject(JsonNode root) {
        String name = requiredString(root, "op", 40);
        String id = optionalString(root, "id", MAX_ID);
        Op op = Op.ofWire(name).filter(o -> o.clientFrame().isPresent())
                .orElseThrow(() -> bad("unknown op '" + name + "'; known: " + String.join(", ", Op.clientOps())));
        return switch (op) {
            // A missing token is not a framing error: the handshake answers token.missing with its hint.
            case AUTHENTICATE -> new ClientFrame.Authenticate(id, optionalString(root, "token", MAX_TOKEN),
                    requiredString(root, "widget", 40), optionalString(root, "embedOrigin", 300),
                    optionalString(root, "org", 64), positions(root, "resume", false));
            case REFRESH -> new ClientFrame.Refresh(id, optionalString(root, "token", MAX_TOKEN));
            case PONG -> new ClientFrame.Pong(id);
            case SEND -> new ClientFrame.Send(id, requiredString(root, "conversation", 64),
                    requiredString(root, "clientMessageId", MAX_ID), requiredString(root, "text", MAX_TEXT));
            case RESUME -> new ClientFrame.Resume(id, positions(root, "positions", true));
            case TYPING -> new ClientFrame.Typing(id, requiredString(root, "conversation", 64));
            case RECEIPT -> {
                String kind = requiredString(root, "kind", 20);
                if (!kind.equals("delivered") && !kind.equals("read")) throw bad("'kind' must be 'delivered' or 'read'");
                yield new ClientFrame.Receipt(id, requiredString(root, "conversation", 64), requiredLong(root, "seq"), kind);
            }
            case START_CONVERSATION -> new ClientFrame.StartConversation(id, stringList(root, "agents", 50),
                    optionalString(root, "subject", 300));
            case LIST_CONVERSATIONS -> new ClientFrame.ListConversations(id);
            // staples (issue 9/11)
            case FIND_AGENTS -> new ClientFrame.FindAgents(id, requiredString(root, "query", 100));
            case ADD_NOTE -> new ClientFrame.AddNote(id, requiredString(root, "conversation", 64),
                    requiredString(root, "clientNoteId", MAX_ID), requiredString(root, "text", MAX_TEXT));
            case LIST_CANNED_RESPONSES -> new ClientFrame.ListCannedResponses(id);
            // routing
            case SET_PRESENCE -> new ClientFrame.SetPresence(id, requiredString(root, "status", 40));
            case ACCEPT -> new ClientFrame.Accept(id, requiredString(root, "conversation", 64));
            case DECLINE -> new ClientFrame.Decline(id, requiredString(root, "conversation", 64));
            case TRANSFER -> {
                String agent = optionalString(root, "agent", 64);
                String queue = optionalString(root, "queue", 64);
                if ((agent == null) == (queue == null)) throw bad("'transfer' needs exactly one of 'agent' and 'queue'");
                yield new ClientFrame.Transfer(id, requiredString(root, "conversation", 64), agent, queue);
            }
            case CLOSE -> new ClientFrame.Close(id, requiredString(root, "conversation", 64), optionalString(root, "wrapUp", 64));
            case WATCH_QUEUES -> new ClientFrame.WatchQueues(id);
            // calls
            case CALL_INVITE -> {
                String agent = optionalString(root, "agent", 64);
                String conversation = optionalString(root, "conversation", 64);
                if ((agent == null) == (conversation == null)) {
                    throw bad("'call_invite' needs exactly one of 'agent' and 'conversation'");
                }
                String media = requiredString(root, "media", 20);
                if (!media.equals("audio") && !media.equals("video")) throw bad("'media' must be 'audio' or 'video'");
                yield new ClientFrame.CallInvite(id, agent, conversation, media);
            }
            case CALL_ACCEPT -> new ClientFrame.CallAccept(id, requiredString(root, "call", 64));
            case CALL_DECLINE -> new ClientFrame.CallDecline(id, requiredString(root, "call", 64));
            case CALL_HANGUP -> new ClientFrame.CallHangup(id, requiredString(root, "call", 64), optionalString(root, "reason", 64));
            case CALL_HOLD -> new ClientFrame.CallHold(id, requiredString(root, "call", 64), requiredBoolean(root, "on"));
            case CALL_MUTE -> new ClientFrame.CallMute(id, requiredString(root, "call", 64), requiredBoolean(root, "on"));
            case CALL_ATTACH -> new ClientFrame.CallAttach(id, requiredString(root, "call", 64),
                    root.has("after") ? requiredLong(root, "after") : 0);
            case CALL_SIGNAL -> {
                Sdp sdp = sdp(root.get("sdp"));
                IceCandidate candidate = candidate(root.get("candidate"));
                if ((sdp == null) == (candidate == null)) throw bad("'call_signal' needs exactly one of 'sdp' and 'candidate'");
                boolean restart = root.has("restart") && requiredBoolean(root, "restart");
                yield new ClientFrame.CallSignal(id, requiredString(root, "call", 64), sdp, candidate, restart);
            }
            case CALL_REPORT -> new ClientFrame.CallReport(id, requiredString(root, "call", 64), quality(root.get("quality")));
            // calls end
            default -> throw new IllegalStateException("no decoder for client op " + op);
        };
    }

    /** The frame as JSON text, {@code op} first. */
    public static String encode(ServerFrame frame) {
        String hot = HotFrameWriter.write(JSON, frame);
        return hot != null ? hot : FRAMES.writeValueAsString(frame);
    }

    /** Through Jackson's polymorphic pass always: what {@link HotFrameWriter} must match byte for byte. */
    static String encodeWithJackson(ServerFrame frame) {
        return FRAMES.writeValueAsString(frame);
    }

    private static String requiredString(JsonNode root, String field, int max) {
        String v = optionalString(root, field, max);
        if (v == null || v.isEmpty()) throw bad("'" + field + "' is required (a non-empty string)");
        return v;
    }

    private static String optionalString(JsonNode root, String field, int max) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) return null;
        if (!n.isString()) throw bad("'" + field + "' must be a string");
        String v = n.stringValue();
        if (v.length() > max) throw bad("'" + field + "' is longer than " + max + " characters");
        return v;
    }

    private static long requiredLong(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < 0) {
            throw bad("'" + field + "' must be a non-negative integer");
        }
        return n.longValue();
    }

    private static boolean requiredBoolean(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || !n.isBoolean()) throw bad("'" + field + "' must be true or false");
        return n.booleanValue();
    }

    private static Sdp sdp(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw bad("'sdp' must be an object {type, sdp} as RTCSessionDescription has it");
        String type = requiredString(n, "type", 20);
        if (!List.of("offer", "answer", "pranswer", "rollback").contains(type)) {
            throw bad("'sdp.type' must be offer, answer, pranswer or rollback");
        }
        String text = optionalString(n, "sdp", MAX_SDP);
        if (text == null && !type.equals("rollback")) throw bad("'sdp.sdp' is required (the session description)");
        return new Sdp(type, text);
    }

    private static IceCandidate candidate(JsonNode n) {
        if (n == null || n.isNull()) return null;
        if (!n.isObject()) throw bad("'candidate' must be an object as RTCIceCandidate.toJSON() has it");
        String candidate = optionalString(n, "candidate", 1_000);
        if (candidate == null) throw bad("'candidate.candidate' is required (empty for the end of candidates)");
        JsonNode index = n.get("sdpMLineIndex");
        Integer mLine = null;
        if (index != null && !index.isNull()) {
            if (!index.isIntegralNumber() || !index.canConvertToInt() || index.intValue() < 0 || index.intValue() > 64) {
                throw bad("'candidate.sdpMLineIndex' must be a small non-negative integer");
            }
            mLine = index.intValue();
        }
        return new IceCandidate(candidate, optionalString(n, "sdpMid", 64), mLine, optionalString(n, "usernameFragment", 256));
    }

    private static CallQuality quality(JsonNode n) {
        if (n == null || !n.isObject()) throw bad("'quality' is required: an object {bytesReceived, packetsReceived, packetsLost, jitter, roundTripTime, framesDecoded, candidateType, relayed}");
        String candidateType = optionalString(n, "candidateType", 20);
        if (candidateType != null && !List.of("host", "srflx", "prflx", "relay").contains(candidateType)) {
            throw bad("'quality.candidateType' must be host, srflx, prflx or relay");
        }
        return new CallQuality(null, count(n, "bytesReceived"), count(n, "packetsReceived"), count(n, "packetsLost"),
                seconds(n, "jitter"), seconds(n, "roundTripTime"), n.has("framesDecoded") ? count(n, "framesDecoded") : null,
                candidateType, n.has("relayed") && requiredBoolean(n, "relayed"));
    }

    private static long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return 0;
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0) {
            throw bad("'quality." + field + "' must be a non-negative integer");
        }
        return v.longValue();
    }

    private static Double seconds(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) return null;
        if (!v.isNumber() || v.doubleValue() < 0 || !Double.isFinite(v.doubleValue())) {
            throw bad("'quality." + field + "' must be a non-negative number of seconds");
        }
        return v.doubleValue();
    }

    private static List<String> stringList(JsonNode root, String field, int max) {
        JsonNode n = root.get(field);
        if (n == null || !n.isArray()) throw bad("'" + field + "' must be an array of strings");
        if (n.size() > max) throw bad("'" + field + "' has more than " + max + " entries");
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isString() || e.stringValue().isEmpty() || e.stringValue().length() > 64) {
                throw bad("'" + field + "' must contain non-empty strings of at most 64 characters");
            }
            out.add(e.stringValue());
        }
        return out;
    }

    private static Map<String, Long> positions(JsonNode root, String field, boolean required) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            if (required) throw bad("'" + field + "' is required: an object of conversation id to last seen sequence");
            return Map.of();
        }
        if (!n.isObject()) throw bad("'" + field + "' must be an object of conversation id to last seen sequence");
        // resume answers with one caught_up per conversation: with none named it would never be answered.
        if (required && n.isEmpty()) throw bad("'" + field + "' must name at least one conversation");
        if (n.size() > MAX_CONVERSATIONS) throw bad("'" + field + "' has more than " + MAX_CONVERSATIONS + " conversations");
        Map<String, Long> out = new LinkedHashMap<>();
        for (var e : n.properties()) {
            JsonNode v = e.getValue();
            if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || e.getKey().length() > 64) {
                throw bad("'" + field + "' values must be non-negative integers (the last sequence seen)");
            }
            out.put(e.getKey(), v.longValue());
        }
        return out;
    }

    static ProblemException bad(String reason) {
        return ProblemException.of(ErrorCode.PROTOCOL_BAD_FRAME, Map.of("reason", reason));
    }
}
