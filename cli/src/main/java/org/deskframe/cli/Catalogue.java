package org.deskframe.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.cli.Checklist.Problem;
import tools.jackson.databind.JsonNode;

/**
 * The server's error catalogue, as the CLI renders its own findings from it: {@code error-catalogue.json} next to this
 * class is generated from {@code org.deskframe.diagnostics.ErrorCode} (CatalogueResourceTests fails while the two
 * differ), so the doctor's {@code env.unreachable} says word for word what the server's catalogue says. The CLI does
 * not depend on the server's classes: that would bring Spring into the CLI jar.
 */
final class Catalogue {

    /** The same placeholders the server's Problem fills: {@code {name}}. */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");
    static final String RESOURCE = "error-catalogue.json";

    /** One catalogue entry: HTTP status, close code, message and hint templates. */
    record Entry(String code, int httpStatus, int closeCode, String message, String hint) {}

    private static final Map<String, Entry> ENTRIES = load();

    private Catalogue() {}

    /** The entry for {@code code}; an unknown code is a bug in the CLI, not the user's problem. */
    static Entry entry(String code) {
        Entry e = ENTRIES.get(code);
        if (e == null) throw new IllegalArgumentException("'" + code + "' is not in the error catalogue");
        return e;
    }

    /** The problem for {@code code}, its message and hint filled from {@code details} as the server fills them. */
    static Problem problem(String code, Map<String, ?> details) {
        Entry e = entry(code);
        return new Problem(code, render(e.message(), details), render(e.hint(), details));
    }

    static String render(String template, Map<String, ?> details) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = details.get(m.group(1));
            String text;
            if (value == null) {
                text = m.group(0);
            } else if (value instanceof Collection<?> c) {
                text = c.isEmpty() ? "(none)" : String.join(" ", c.stream().map(String::valueOf).toList());
            } else {
                text = String.valueOf(value);
            }
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static Map<String, Entry> load() {
        try (InputStream in = Catalogue.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the CLI jar");
            JsonNode root = PlatformHttp.JSON.readTree(in);
            Map<String, Entry> entries = new LinkedHashMap<>();
            for (var field : root.path("codes").properties()) {
                JsonNode e = field.getValue();
                entries.put(field.getKey(), new Entry(field.getKey(), e.path("http").asInt(), e.path("close").asInt(),
                        e.path("message").asString(), e.path("hint").asString()));
            }
            return Map.copyOf(entries);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
