package org.deskframe.diagnostics;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One rendered failure: the catalogue entry plus the details that make its message exact (which scope,
 * which issuer, which origin). The same instance is written as an HTTP body, a WebSocket error frame and
 * a log line, so every path says the same thing.
 */
public record Problem(ErrorCode error, String message, String hint, Map<String, Object> details) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    public Problem {
        details = Map.copyOf(details);
    }

    public static Problem of(ErrorCode error) {
        return of(error, Map.of());
    }

    public static Problem of(ErrorCode error, Map<String, ?> details) {
        Map<String, Object> copy = new LinkedHashMap<>();
        details.forEach((k, v) -> { if (v != null) copy.put(k, v); });
        return new Problem(error, render(error.messageTemplate(), copy), render(error.hintTemplate(), copy), copy);
    }

    public String code() {
        return error.code();
    }

    /** Body fields shared by HTTP responses, error frames and {@code doctor}: code, message, hint, then the details. */
    public Map<String, Object> toMap() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("code", error.code());
        body.put("message", message);
        body.put("hint", hint);
        details.forEach(body::putIfAbsent);
        return body;
    }

    /**
     * A single line for server logs; never contains token values (callers never put them in details). Details are often
     * what a client sent (a token's kid, a path, an origin), so the line is escaped ({@link LogText}): whatever they
     * hold, it stays one line.
     */
    public String toLogLine() {
        return LogText.escape(error.code() + ": " + message + " Fix: " + hint);
    }

    public ProblemException toException() {
        return new ProblemException(this);
    }

    static String render(String template, Map<String, Object> details) {
        Matcher m = PLACEHOLDER.matcher(template);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            Object value = details.get(m.group(1));
            String text = value == null ? m.group(0) : format(value);
            m.appendReplacement(out, Matcher.quoteReplacement(text));
        }
        m.appendTail(out);
        return out.toString();
    }

    private static String format(Object value) {
        if (value instanceof Collection<?> c) {
            return c.isEmpty() ? "(none)" : String.join(" ", c.stream().map(String::valueOf).toList());
        }
        return String.valueOf(value);
    }
}
