package org.deskframe.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.diagnostics.CloseRange;
import org.deskframe.diagnostics.ErrorCode;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The JS client's mirror of the catalogue ({@code embed/v1/codes.js}) says exactly what the server's catalogue says. */
class EmbedCodesMirrorTests {

    private static final Path CODES_JS = Path.of("src/main/resources/embed/v1/codes.js");
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static JsonNode section(String name) throws IOException {
        String js = Files.readString(CODES_JS);
        Matcher m = Pattern.compile("/\\* " + name + ":begin \\*/(.*?)/\\* " + name + ":end \\*/", Pattern.DOTALL).matcher(js);
        assertThat(m.find()).as("codes.js has a %s section between markers", name).isTrue();
        return JSON.readTree(m.group(1));
    }

    @Test
    void everyMirroredCodeHasTheServersCloseCodeAndTemplates() throws IOException {
        JsonNode codes = section("codes");
        assertThat(codes.size()).isPositive();
        for (var entry : codes.properties()) {
            String code = entry.getKey();
            List<ErrorCode> matches = Arrays.stream(ErrorCode.values()).filter(e -> e.code().equals(code)).toList();
            assertThat(matches).as("codes.js mirrors '%s', which the server's catalogue does not have", code).isNotEmpty();
            JsonNode mirror = entry.getValue();
            assertThat(mirror.get("close").asInt()).as("close code of %s", code).isEqualTo(matches.getFirst().closeCode());
            if (mirror.has("message")) {
                assertThat(matches.stream().anyMatch(e -> e.messageTemplate().equals(mirror.get("message").asString())
                        && e.hintTemplate().equals(mirror.get("hint").asString())))
                        .as("message and hint of %s in codes.js equal the catalogue's", code).isTrue();
            }
        }
    }

    @Test
    void theCodesTheClientRaisesItselfAreMirroredWithTheirTemplates() throws IOException {
        JsonNode codes = section("codes");
        for (ErrorCode own : List.of(ErrorCode.TOKEN_MALFORMED, ErrorCode.TOKEN_WRONG_REGION, ErrorCode.TOKEN_WRONG_ORG,
                ErrorCode.PROVIDER_FAILED, ErrorCode.ENV_UNREACHABLE)) {
            assertThat(codes.has(own.code()) && codes.get(own.code()).has("message")).as(own.code()).isTrue();
        }
    }

    @Test
    void theCloseRangesAreTheCataloguesExactly() throws IOException {
        JsonNode ranges = section("ranges");
        assertThat(ranges).hasSize(CloseRange.values().length);
        int i = 0;
        for (CloseRange range : CloseRange.values()) {
            JsonNode r = ranges.get(i++);
            assertThat(r.get("from").asInt()).as(range.name()).isEqualTo(range.from());
            assertThat(r.get("to").asInt()).as(range.name()).isEqualTo(range.to());
            assertThat(r.get("action").asString()).as(range.name()).isEqualTo(range.action());
        }
    }

    @Test
    void closeRangesAreTheServersClientActions() throws IOException {
        JsonNode ranges = section("ranges");
        for (ErrorCode error : ErrorCode.values()) {
            String expected = error.clientAction().action();
            String actual = null;
            for (JsonNode r : ranges) {
                if (error.closeCode() >= r.get("from").asInt() && error.closeCode() <= r.get("to").asInt()) {
                    actual = r.get("action").asString();
                }
            }
            assertThat(actual).as("client action for %s (%d)", error.code(), error.closeCode()).isEqualTo(expected);
        }
    }
}
