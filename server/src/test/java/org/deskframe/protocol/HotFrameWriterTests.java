package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/**
 * The frames {@link HotFrameWriter} writes by hand are byte for byte what Jackson's polymorphic pass writes for them:
 * every variant (each field absent or present, any text including quotes, control characters and non-ASCII, instants
 * with and without fractions).
 */
class HotFrameWriterTests {

    static final Instant AT = Instant.parse("2026-12-01T08:15:00Z");

    @Test
    void everyVariantOfTheHotFramesIsWhatJacksonWrites() {
        List<ServerFrame> frames = new ArrayList<>();
        List<String> texts = Arrays.asList(null, "", "a1", "q\"uote\\back/slash", "line\nbreak\t\r\b\f\u0000\u001f\u007f",
                "é漢字😀\u2028\u2029", "<script>&'");
        List<Instant> instants = Arrays.asList(null, AT, AT.plusMillis(7), AT.plusNanos(123_456_789), AT.plusNanos(1_000),
                Instant.EPOCH, Instant.parse("+12026-01-01T00:00:00Z"));
        List<AgentView> agents = Arrays.asList(null, new AgentView("a_1", "agent1", "Agent One", "demo"),
                new AgentView("a_1", "agent1", null, "demo"), new AgentView(null, null, null, null));
        List<List<String>> scopes = Arrays.asList(null, List.of(), List.of("messaging:read", "presence"), Arrays.asList("x", null));
        for (String t : texts) {
            for (Instant i : instants) {
                frames.add(new ServerFrame.Presence(t, t, t, i));
                frames.add(new ServerFrame.Refreshed(t, i, List.of("messaging:read")));
            }
            for (AgentView a : agents) {
                for (List<String> s : scopes) {
                    frames.add(new ServerFrame.Ready(t, "s_1", t, a, s, AT, 25, 65_536));
                }
            }
            frames.add(new ServerFrame.Ready("h1", t, "messaging", new AgentView(t, t, t, t), List.of(t == null ? "x" : t), null, 0, 0));
            frames.add(new ServerFrame.Ack(t, t, 0, t, false));
            frames.add(new ServerFrame.Ack(t, "c", Long.MAX_VALUE, "m", true));
        }
        for (List<String> s : scopes) frames.add(new ServerFrame.Refreshed("r", AT, s));
        frames.add(new ServerFrame.Ready(null, null, null, null, null, null, Long.MIN_VALUE, Integer.MIN_VALUE));
        for (ServerFrame f : frames) {
            assertThat(HotFrameWriter.write(JsonHolder.JSON, f)).as("%s", f).isNotNull().isEqualTo(FrameCodec.encodeWithJackson(f));
            assertThat(FrameCodec.encode(f)).isEqualTo(FrameCodec.encodeWithJackson(f));
        }
    }

    @Property(tries = 500)
    void anyReadyFrameIsWhatJacksonWrites(@ForAll("readyFrames") ServerFrame.Ready ready) {
        assertThat(FrameCodec.encode(ready)).isEqualTo(FrameCodec.encodeWithJackson(ready));
    }

    @Property(tries = 500)
    void anyPresenceFrameIsWhatJacksonWrites(@ForAll("texts") String id, @ForAll("texts") String status, @ForAll("instants") Instant since) {
        ServerFrame.Presence p = new ServerFrame.Presence(id, status, status, since);
        assertThat(FrameCodec.encode(p)).isEqualTo(FrameCodec.encodeWithJackson(p));
    }

    @Test
    void otherFramesTakeJacksonsPass() {
        assertThat(HotFrameWriter.write(JsonHolder.JSON, new ServerFrame.Ping())).isNull();
        assertThat(HotFrameWriter.write(JsonHolder.JSON, new ServerFrame.TokenExpiring(5, AT))).isNull();
    }

    @Provide
    Arbitrary<ServerFrame.Ready> readyFrames() {
        Arbitrary<AgentView> agent = Combinators.combine(texts(), texts(), texts(), texts()).as(AgentView::new).injectNull(0.2);
        Arbitrary<List<String>> scopes = texts().filter(s -> s != null).list().ofMaxSize(6).injectNull(0.1);
        return Combinators.combine(texts(), texts(), texts(), agent, scopes, instants(),
                Arbitraries.longs(), Arbitraries.integers()).as(ServerFrame.Ready::new);
    }

    @Provide
    Arbitrary<String> texts() {
        return Arbitraries.strings().all().ofMaxLength(40).injectNull(0.2);
    }

    @Provide
    Arbitrary<Instant> instants() {
        return Arbitraries.longs().between(-10_000_000_000L, 300_000_000_000L)
                .flatMap(s -> Arbitraries.integers().between(0, 999_999_999).map(n -> Instant.ofEpochSecond(s, n)))
                .injectNull(0.1);
    }

    /** The codec's own mapper settings: a plain JsonMapper. */
    static final class JsonHolder {
        static final tools.jackson.databind.json.JsonMapper JSON = tools.jackson.databind.json.JsonMapper.builder().build();
    }
}
