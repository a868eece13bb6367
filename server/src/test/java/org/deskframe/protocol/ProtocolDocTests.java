package org.deskframe.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.testing.GeneratedDocs;
import org.junit.jupiter.api.Test;

/**
 * docs/protocol.md documents exactly the ops that exist, each in its direction, with an example frame of that op;
 * and the JavaScript mirror {@code embed/v1/ops.js} names exactly the same ops.
 */
class ProtocolDocTests {

    private static final Pattern HEADING = Pattern.compile("^### ([a-z_]+(?:, [a-z_]+)*)(?: — .*)?$");
    private static final Pattern EXAMPLE_OP = Pattern.compile("\\{\"op\":\"([a-z_]+)\"");

    @Test
    void theProtocolDocumentListsExactlyTheOpsThatExistInTheirDirection() throws IOException {
        String doc = Files.readString(GeneratedDocs.docsFolder().resolve("protocol.md"));
        String commands = section(doc, "## Commands (client → server)");
        String replies = section(doc, "## Replies and pushes (server → client)");
        assertThat(headings(commands)).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Op.values()).filter(op -> op.clientFrame().isPresent()).map(Op::wire).toList());
        assertThat(headings(replies)).containsExactlyInAnyOrderElementsOf(
                Arrays.stream(Op.values()).filter(op -> op.serverFrame().isPresent()).map(Op::wire).toList());
        for (Op op : Op.values()) {
            if (op.clientFrame().isPresent()) assertThat(exampleOps(commands)).as("an example %s frame sent", op.wire()).contains(op.wire());
            if (op.serverFrame().isPresent()) assertThat(exampleOps(replies)).as("an example %s frame received", op.wire()).contains(op.wire());
        }
    }

    @Test
    void theJavaScriptMirrorNamesExactlyTheSameOps() throws IOException {
        String js = Files.readString(GeneratedDocs.docsFolder().getParent()
                .resolve("server/src/main/resources/embed/v1/ops.js"));
        Matcher m = Pattern.compile("^  ([A-Z_]+): '([a-z_]+)',?$", Pattern.MULTILINE).matcher(js);
        Set<String> mirrored = new LinkedHashSet<>();
        while (m.find()) {
            assertThat(m.group(2)).as("ops.js %s", m.group(1)).isEqualTo(Op.valueOf(m.group(1)).wire());
            mirrored.add(m.group(1));
        }
        assertThat(mirrored).containsExactlyElementsOf(Arrays.stream(Op.values()).map(Op::name).toList());
    }

    private static String section(String doc, String heading) {
        int start = doc.indexOf(heading);
        assertThat(start).as("docs/protocol.md has '%s'", heading).isNotNegative();
        int end = doc.indexOf("\n## ", start + heading.length());
        return end < 0 ? doc.substring(start) : doc.substring(start, end);
    }

    private static List<String> headings(String section) {
        return section.lines().map(HEADING::matcher).filter(Matcher::matches)
                .flatMap(m -> Arrays.stream(m.group(1).split(", "))).toList();
    }

    private static Set<String> exampleOps(String section) {
        Set<String> ops = new LinkedHashSet<>();
        Matcher m = EXAMPLE_OP.matcher(section);
        while (m.find()) ops.add(m.group(1));
        return ops;
    }
}
