package org.deskframe.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/embedding.md: "No message ever uses '*'". Every postMessage call in the scripts the platform serves names its
 * target origin with a variable that holds the exact origin, never a wildcard (the browser tests show the filters on the
 * receiving side: HostileEmbeddingBrowserIntegrationTests).
 */
class PostMessageTargetsTests {

    private static final Path SCRIPTS = Path.of("src/main/resources/embed/v1");
    private static final Pattern CALL = Pattern.compile("\\.postMessage\\(");

    @Test
    void everyPostMessageNamesAnExactTargetOrigin() throws IOException {
        List<String> calls = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SCRIPTS)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".js")).toList()) {
                String js = Files.readString(file);
                Matcher m = CALL.matcher(js);
                while (m.find()) {
                    String target = lastArgument(js, m.end());
                    calls.add(SCRIPTS.relativize(file) + ": " + target);
                    assertThat(target).as("%s: postMessage(..., %s)", file, target)
                            .doesNotContain("*").matches("this\\._origin|this\\.parentOrigin");
                }
            }
        }
        // The three senders: EmbeddingClient, Messenger, and the widgets' bridge.
        assertThat(calls).hasSize(3);
    }

    /** The call's last argument: the text after its last top-level comma, up to the closing parenthesis. */
    private static String lastArgument(String js, int from) {
        int depth = 0;
        int lastComma = -1;
        for (int i = from; i < js.length(); i++) {
            char c = js.charAt(i);
            if (c == '(' || c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') depth--;
            else if (c == ')') {
                if (depth == 0) return js.substring(lastComma + 1, i).trim();
                depth--;
            } else if (c == ',' && depth == 0) lastComma = i;
        }
        throw new AssertionError("unterminated postMessage call");
    }
}
