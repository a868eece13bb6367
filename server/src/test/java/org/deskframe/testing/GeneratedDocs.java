package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Documentation files rendered from code: a test renders the file and compares it with the one in {@code docs/};
 * run the tests with {@code -Ddeskframe.docs.write=true} to rewrite the files instead.
 */
public final class GeneratedDocs {

    public static final String WRITE_PROPERTY = "deskframe.docs.write";

    private GeneratedDocs() {}

    /** The repository's {@code docs/} folder (tests run in {@code server/}). */
    public static Path docsFolder() {
        Path here = Path.of("").toAbsolutePath();
        Path root = Files.exists(here.resolve("server")) ? here : here.getParent();
        return root.resolve("docs");
    }

    public static boolean writing() {
        return Boolean.getBoolean(WRITE_PROPERTY);
    }

    /** Rewrites {@code docs/<name>} when writing, otherwise fails when it differs from {@code rendered}. */
    public static void checkOrWrite(String name, String rendered) {
        Path file = docsFolder().resolve(name);
        try {
            if (writing()) {
                Files.createDirectories(file.getParent());
                Files.writeString(file, rendered);
                return;
            }
            assertThat(file).as("docs/%s is missing: run the tests with -D%s=true to render it", name, WRITE_PROPERTY).exists();
            assertThat(Files.readString(file))
                    .as("docs/%s is out of date with the code: run the tests with -D%s=true to render it again", name, WRITE_PROPERTY)
                    .isEqualTo(rendered);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The note under the title of every generated markdown file: where it comes from and how to render it again. */
    public static String header(String source, String test) {
        return "> Generated from `" + source + "` by `" + test + "`, which fails while this file and the code differ.\n"
                + "> Do not edit it by hand: after changing the code, render it again with\n"
                + "> `bin/mvn -B -pl server test -Dtest=" + test + " -D" + WRITE_PROPERTY + "=true`.\n";
    }

    /** Text for a markdown table cell: pipes, angle brackets and asterisks escaped, kept on one line. */
    public static String cell(String text) {
        return text.replace("\\", "\\\\").replace("|", "\\|").replace("*", "\\*")
                .replace("<", "&lt;").replace(">", "&gt;").replace("\n", " ");
    }

    /** Inline code for a table cell. */
    public static String code(String text) {
        return "`" + text.replace("|", "\\|") + "`";
    }
}
