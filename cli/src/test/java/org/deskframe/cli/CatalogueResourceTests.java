package org.deskframe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/**
 * The CLI's copy of the catalogue ({@code error-catalogue.json}) is the server's {@link ErrorCode}, rendered; run with
 * {@code -Ddeskframe.docs.write=true} to render it again. And the CLI fills templates exactly as {@link Problem} does.
 */
class CatalogueResourceTests {

    private static final Path RESOURCE = Path.of("src/main/resources/org/deskframe/cli", Catalogue.RESOURCE);

    /** Codes the doctor raises itself; each must be in the catalogue. */
    static final List<String> OWN_CODES = List.of("env.unreachable", "env.not_deskframe", "env.issuer_mismatch",
            "handshake.failed", "token.wrong_region");

    static String render() {
        Map<String, Object> codes = new LinkedHashMap<>();
        for (ErrorCode e : ErrorCode.values()) {
            // Variants share a code: the first (most general) constant stands for it.
            if (codes.containsKey(e.code())) continue;
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("http", e.httpStatus());
            entry.put("close", e.closeCode());
            entry.put("message", e.messageTemplate());
            entry.put("hint", e.hintTemplate());
            codes.put(e.code(), entry);
        }
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("generated", "From server/src/main/java/org/deskframe/diagnostics/ErrorCode.java by cli's CatalogueResourceTests;"
                + " do not edit: render it again with bin/mvn -B -pl cli -am test -Dtest=CatalogueResourceTests"
                + " -Dsurefire.failIfNoSpecifiedTests=false -D" + GeneratedDocs.WRITE_PROPERTY + "=true");
        root.put("codes", codes);
        return JsonMapper.builder().build().writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
    }

    @Test
    void theResourceIsRenderedFromTheServersCatalogue() throws IOException {
        String rendered = render();
        if (GeneratedDocs.writing()) {
            Files.writeString(RESOURCE, rendered);
            return;
        }
        assertThat(RESOURCE).as("%s is missing: run the tests with -D%s=true", RESOURCE, GeneratedDocs.WRITE_PROPERTY).exists();
        assertThat(Files.readString(RESOURCE)).as("%s differs from ErrorCode: run the tests with -D%s=true to render it again",
                RESOURCE, GeneratedDocs.WRITE_PROPERTY).isEqualTo(rendered);
    }

    @Test
    void theDoctorsOwnCodesAreCatalogueCodes() {
        for (String code : OWN_CODES) {
            assertThat(Arrays.stream(ErrorCode.values()).map(ErrorCode::code)).as(code).contains(code);
            assertThat(Catalogue.entry(code).message()).isNotBlank();
        }
    }

    @Test
    void theCliFillsTemplatesAsTheServersProblemDoes() {
        Map<String, Object> details = Map.of("env", "http://127.0.0.1:8080", "expectedIssuer", "http://localhost:8080",
                "reason", "connection refused", "stream", "ws://127.0.0.1:8080/api/v2/stream", "tokenIssuer", "https://eu.example",
                "region", "us", "missing", List.of("voice", "video"), "granted", List.of());
        for (ErrorCode e : ErrorCode.values()) {
            // Variants of a code share its name: the CLI holds the first one, so only that one is compared.
            Catalogue.Entry entry = Catalogue.entry(e.code());
            if (!entry.message().equals(e.messageTemplate()) || !entry.hint().equals(e.hintTemplate())) continue;
            Problem server = Problem.of(e, details);
            Checklist.Problem cli = Catalogue.problem(e.code(), details);
            assertThat(cli.message()).as(e.code()).isEqualTo(server.message());
            assertThat(cli.hint()).as(e.code()).isEqualTo(server.hint());
        }
    }
}
