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

/**
 * The JS client's mirror of the catalogue ({@code embed/v1/codes.js}) says exactly what the server's catalogue says: every
 * code with its close code (so the client acts right on any code a server sends), and the message and hint templates
 * of the codes the client raises itself. Run with {@code -Ddeskframe.docs.write=true} to render the codes section again.
 */
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
            if (mirror.has("variants")) {
                for (var v : mirror.get("variants").properties()) {
                    ErrorCode variant = ErrorCode.valueOf(v.getKey().toUpperCase(java.util.Locale.ROOT));
                    assertThat(variant.code()).isEqualTo(code);
                    assertThat(v.getValue().get("message").asString()).isEqualTo(variant.messageTemplate());
                    assertThat(v.getValue().get("hint").asString()).isEqualTo(variant.hintTemplate());
                }
            }
        }
    }

    @Test
    void everyCodeOfTheCatalogueIsMirroredAndNothingElse() throws IOException {
        String js = Files.readString(CODES_JS);
        Matcher m = Pattern.compile("(/\\* codes:begin \\*/)(.*?)(/\\* codes:end \\*/)", Pattern.DOTALL).matcher(js);
        assertThat(m.find()).isTrue();
        String rendered = renderCodes(section("codes"));
        if (org.deskframe.testing.GeneratedDocs.writing()) {
            Files.writeString(CODES_JS, js.substring(0, m.start(2)) + rendered + js.substring(m.end(2)));
            return;
        }
        List<String> catalogue = Arrays.stream(ErrorCode.values()).map(ErrorCode::code).distinct().toList();
        List<String> mirrored = new java.util.ArrayList<>();
        section("codes").propertyNames().forEach(mirrored::add);
        assertThat(mirrored).as("codes.js mirrors every catalogue code (render it with -Ddeskframe.docs.write=true)")
                .containsExactlyInAnyOrderElementsOf(catalogue);
        assertThat(m.group(2)).as("codes.js as rendered from the catalogue").isEqualTo(rendered);
    }

    /** The codes section: every code once (its first constant), in catalogue order, with the templates the mirror keeps. */
    private static String renderCodes(JsonNode current) {
        StringBuilder out = new StringBuilder(" {\n");
        List<ErrorCode> firsts = new java.util.ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (ErrorCode e : ErrorCode.values()) if (seen.add(e.code())) firsts.add(e);
        for (int i = 0; i < firsts.size(); i++) {
            ErrorCode e = firsts.get(i);
            JsonNode kept = current.get(e.code());
            out.append("  ").append(JSON.writeValueAsString(e.code())).append(": {\"close\": ").append(e.closeCode());
            if (kept != null && kept.has("message")) {
                out.append(",\n    \"message\": ").append(JSON.writeValueAsString(e.messageTemplate()))
                        .append(",\n    \"hint\": ").append(JSON.writeValueAsString(e.hintTemplate()));
                // The catalogue's other constants for the code, by their names: a widget words its case with them.
                List<ErrorCode> variants = Arrays.stream(ErrorCode.values()).filter(v -> v.code().equals(e.code()) && v != e).toList();
                if (!variants.isEmpty()) {
                    out.append(",\n    \"variants\": {");
                    for (int j = 0; j < variants.size(); j++) {
                        ErrorCode v = variants.get(j);
                        out.append(j == 0 ? "\n" : ",\n").append("      ").append(JSON.writeValueAsString(v.name().toLowerCase(java.util.Locale.ROOT)))
                                .append(": {\"message\": ").append(JSON.writeValueAsString(v.messageTemplate()))
                                .append(",\n        \"hint\": ").append(JSON.writeValueAsString(v.hintTemplate())).append('}');
                    }
                    out.append("}");
                }
            }
            out.append('}').append(i < firsts.size() - 1 ? ",\n" : "\n");
        }
        return out.append("} ").toString();
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
