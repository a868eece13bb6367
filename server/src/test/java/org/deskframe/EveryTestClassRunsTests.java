package org.deskframe;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * A test class Surefire does not pick up is a promise nobody checks: every class of any module's {@code src/test/java}
 * that declares a test (JUnit's {@code @Test}, {@code @ParameterizedTest}, jqwik's {@code @Property} or
 * {@code @Example}) must be named as Surefire's default includes want ({@code *Tests}, {@code *Test}, {@code Test*},
 * {@code *TestCase}).
 */
class EveryTestClassRunsTests {

    private static final Pattern DECLARES_A_TEST = Pattern.compile("^\\s*@(Test|ParameterizedTest|RepeatedTest|TestFactory|Property|Example)\\b",
            Pattern.MULTILINE);
    private static final Pattern SUREFIRE_INCLUDES = Pattern.compile("(Test.*|.*Test|.*Tests|.*TestCase)\\.java");

    @Test
    void everyClassThatDeclaresATestIsOneSurefireRuns() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<Path> testSources;
        try (Stream<Path> files = Files.walk(root, 12)) {
            testSources = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> p.toString().contains("/src/test/java/"))
                    .filter(p -> !p.toString().contains("/target/") && !p.toString().contains("/node_modules/"))
                    .toList();
        }
        assertThat(testSources).as("test sources found under %s", root).hasSizeGreaterThan(50)
                .anySatisfy(p -> assertThat(p.getFileName().toString()).isEqualTo("EveryTestClassRunsTests.java"));
        List<String> skipped = testSources.stream()
                .filter(p -> DECLARES_A_TEST.matcher(read(p)).find())
                .filter(p -> !SUREFIRE_INCLUDES.matcher(p.getFileName().toString()).matches())
                .map(p -> root.relativize(p).toString())
                .toList();
        assertThat(skipped).as("test classes Surefire would never run (rename them to *Tests)").isEmpty();
    }

    private static String read(Path p) {
        try {
            return Files.readString(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
