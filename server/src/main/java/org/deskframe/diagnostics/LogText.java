package org.deskframe.diagnostics;

/**
 * Makes a value that someone outside may have chosen (a token header, a path, a frame field, a header) safe to put in
 * a log line: it can never start a line of its own, so nobody can write forged, timestamped entries into the log.
 * Backslash, CR, LF, tab and every other control character (C0, DEL, C1, and the Unicode line and paragraph
 * separators) become escapes in the style of a JSON string ({@code \n}, {@code \u001b}); the rest is left as it is.
 */
public final class LogText {

    private LogText() {}

    /** {@code String.valueOf(value)}, escaped; unchanged (the same instance) when it needs no escape. */
    public static String escape(Object value) {
        String s = String.valueOf(value);
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) i++;
        if (i == s.length()) return s;
        StringBuilder out = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (needsEscape(c)) out.append(String.format("\\u%04x", (int) c));
                    else out.append(c);
                }
            }
        }
        return out.toString();
    }

    private static boolean needsEscape(char c) {
        return c < 0x20 || c == '\\' || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
