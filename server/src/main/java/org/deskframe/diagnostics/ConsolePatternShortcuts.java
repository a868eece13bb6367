package org.deskframe.diagnostics;

import ch.qos.logback.classic.pattern.DateConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.util.CachingDateFormatter;
import java.util.List;
import org.springframework.boot.ansi.AnsiColor;
import org.springframework.boot.ansi.AnsiOutput;

/**
 * The same log lines as Spring Boot's console pattern, for less CPU per line (issue 13: the {@code handshake ok} line
 * was ~12% of a handshake's gateway work, its date and colour wrappers most of that): where ANSI colours are off
 * (output not a terminal, or {@code spring.output.ansi.enabled=never}) Boot's {@code %clr(...){...}} wrappers write
 * exactly their content, so they are taken out of the pattern; and Boot's date is formatted once per second, the
 * milliseconds spliced in. Installed by {@link LogLineGuard}; nothing of the line's text changes.
 */
final class ConsolePatternShortcuts {

    private ConsolePatternShortcuts() {}

    /** {@code pattern} without its {@code %clr(...)} wrappers when they would write no colour, else as it is. */
    static String withoutIdleColours(String pattern) {
        if (pattern == null || !pattern.contains("%clr(") || coloursOn()) return pattern;
        return withoutColourWrappers(pattern);
    }

    static boolean coloursOn() {
        return !AnsiOutput.toString(AnsiColor.RED, "x").equals("x");
    }

    /** Each {@code %clr(X)} or {@code %clr(X){style}} replaced by X; null when the pattern is not understood. */
    static String withoutColourWrappers(String pattern) {
        StringBuilder out = new StringBuilder(pattern.length());
        int i = 0;
        while (true) {
            int start = pattern.indexOf("%clr(", i);
            if (start < 0) break;
            // "%%clr(" is a literal percent sign followed by text: leave such patterns alone.
            if ((start > 0 && pattern.charAt(start - 1) == '%') || pattern.indexOf('\\') >= 0) return pattern;
            int open = start + "%clr".length();
            int close = matching(pattern, open);
            if (close < 0) return pattern;
            out.append(pattern, i, start).append(pattern, open + 1, close);
            i = close + 1;
            if (i < pattern.length() && pattern.charAt(i) == '{') {
                int end = pattern.indexOf('}', i);
                if (end < 0) return pattern;
                i = end + 1;
            }
        }
        String inner = out.append(pattern, i, pattern.length()).toString();
        // Wrappers nest (none of Boot's do): strip until none is left.
        return inner.contains("%clr(") ? withoutColourWrappers(inner) : inner;
    }

    /** The index of the ')' closing the '(' at {@code open}, counting nested pairs; -1 if there is none. */
    private static int matching(String s, int open) {
        int depth = 0;
        for (int i = open; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '(') depth++;
            else if (c == ')' && --depth == 0) return i;
        }
        return -1;
    }

    /** Boot's console date ({@code LOG_DATEFORMAT_PATTERN}'s default). */
    static final String BOOT_DATE = "yyyy-MM-dd'T'HH:mm:ss.SSSXXX";

    /**
     * {@code %d}: for Boot's date, Logback's own formatter once per second (the zone offset can only change on a whole
     * second) with the milliseconds written into it; any other date pattern exactly as Logback's converter does it.
     */
    public static final class Date extends DateConverter {

        private record Second(long epochSecond, String head, String tail) {}

        private CachingDateFormatter perSecond;
        private volatile Second last;

        @Override
        public void start() {
            List<String> options = getOptionList();
            if (options != null && options.size() == 1 && BOOT_DATE.equals(options.getFirst())) {
                perSecond = new CachingDateFormatter(BOOT_DATE);
            }
            super.start();
        }

        @Override
        public String convert(ILoggingEvent event) {
            if (perSecond == null) return super.convert(event);
            long millis = event.getTimeStamp();
            long second = Math.floorDiv(millis, 1000);
            Second s = last;
            if (s == null || s.epochSecond != second) {
                String whole = perSecond.format(second * 1000);
                int dot = whole.lastIndexOf('.');
                if (dot < 0 || !whole.startsWith("000", dot + 1)) return super.convert(event);
                s = new Second(second, whole.substring(0, dot + 1), whole.substring(dot + 4));
                last = s;
            }
            int ms = (int) Math.floorMod(millis, 1000);
            return new StringBuilder(s.head.length() + 3 + s.tail.length()).append(s.head)
                    .append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10)).append((char) ('0' + ms % 10))
                    .append(s.tail).toString();
        }
    }
}
