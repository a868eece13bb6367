package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.deskframe.diagnostics.ProblemException;

/**
 * Properties of the frame decoder: whatever arrives, it either returns a frame or throws a {@code protocol.bad_frame}
 * problem that says what was wrong - never any other exception - and valid frames survive encode/decode.
 */
class FrameCodecPropertyTests {

    private static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();

    @Property(tries = 3000)
    void anyTextDecodesToAFrameOrABadFrameProblem(@ForAll("frameLikeText") String text) {
        try {
            ClientFrame frame = FrameCodec.decode(text);
            assertThat(frame).isNotNull();
        } catch (ProblemException e) {
            assertThat(e.problem().code()).isEqualTo("protocol.bad_frame");
            assertThat(e.problem().message()).startsWith("Bad frame: ").doesNotContain("{reason}");
        }
    }

    @Property(tries = 1000)
    void arbitraryBytesAsUtf8NeverEscapeTheCatalogue(@ForAll byte[] bytes) {
        String text = new String(bytes, StandardCharsets.UTF_8);
        try {
            FrameCodec.decode(text);
        } catch (ProblemException e) {
            assertThat(e.problem().code()).isEqualTo("protocol.bad_frame");
        }
    }

    @Property(tries = 500)
    void validSendFramesRoundTrip(@ForAll("ids") String conversation, @ForAll("ids") String clientId,
                                  @ForAll("texts") String text) {
        String json = JSON.writeValueAsString(Map.of("op", "send", "conversation", conversation, "clientMessageId", clientId, "text", text));
        ClientFrame frame = FrameCodec.decode(json);
        assertThat(frame).isEqualTo(new ClientFrame.Send(null, conversation, clientId, text));
    }

    @Provide
    Arbitrary<String> ids() {
        return Arbitraries.strings().alpha().numeric().withChars('-', '_').ofMinLength(1).ofMaxLength(64);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().all().ofMinLength(1).ofMaxLength(2000);
    }

    /** Mostly JSON-shaped noise: real ops with fields of random types, truncated, nested, or plain garbage. */
    @Provide
    Arbitrary<String> frameLikeText() {
        Arbitrary<String> op = Arbitraries.of("authenticate", "refresh", "pong", "send", "resume", "typing", "receipt",
                "start_conversation", "list_conversations", "bogus", "");
        Arbitrary<String> key = Arbitraries.of("id", "token", "widget", "conversation", "clientMessageId", "text", "seq",
                "kind", "positions", "resume", "agents", "embedOrigin", "org", "subject");
        Arbitrary<String> value = Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(30).map(s -> "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\""),
                Arbitraries.longs().map(String::valueOf),
                Arbitraries.of("null", "true", "false", "[]", "{}", "[1,\"a\"]", "{\"c\":-1}", "{\"c\":5}", "1e400", "-0", "\"\\ud800\""),
                Arbitraries.strings().ofMaxLength(10));
        Arbitrary<String> field = net.jqwik.api.Combinators.combine(key, value).as((k, v) -> "\"" + k + "\":" + v);
        Arbitrary<String> object = net.jqwik.api.Combinators.combine(op, field.list().ofMaxSize(6))
                .as((o, fields) -> "{\"op\":\"" + o + "\"" + fields.stream().map(f -> "," + f).reduce("", String::concat) + "}");
        return Arbitraries.oneOf(object, object.map(s -> s.substring(0, s.length() / 2)), Arbitraries.strings().ofMaxLength(100),
                Arbitraries.of("[]", "null", "1", "\"op\"", "{}", "{\"op\":5}", "{\"op\":null}"));
    }
}
