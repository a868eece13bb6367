package org.deskframe.diagnostics;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.pattern.MessageConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.pattern.DynamicConverter;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationEnvironmentPreparedEvent;
import org.springframework.boot.context.logging.LoggingApplicationListener;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;
import org.springframework.context.ApplicationListener;
import org.springframework.core.Ordered;
import org.springframework.util.ClassUtils;

/**
 * Defence in depth under {@link LogText}, for what Deskframe does not write itself (framework messages, exception
 * messages): in Logback's console and file patterns, every line of an entry after its first is indented, and CR and
 * other control characters are escaped, so no text inside a message can pass for an entry of its own. Installed right
 * after Spring Boot has configured logging (registered in {@code META-INF/spring.factories}); Boot's own patterns and
 * logging properties stay as they are. Multi-line messages stay readable, only indented.
 */
public final class LogLineGuard implements ApplicationListener<ApplicationEnvironmentPreparedEvent>, Ordered {

    /** What starts every line of an entry after its first. */
    static final String CONTINUATION = "  ";

    @Override
    public void onApplicationEvent(ApplicationEnvironmentPreparedEvent event) {
        if (ClassUtils.isPresent("ch.qos.logback.classic.LoggerContext", LogLineGuard.class.getClassLoader())
                && LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            Logback.install(context);
        }
    }

    /** Just after Boot's logging listener, which (re)configures Logback when the environment is ready. */
    @Override
    public int getOrder() {
        return LoggingApplicationListener.DEFAULT_ORDER + 1;
    }

    /** {@code text} with every line break followed by {@link #CONTINUATION}, and CR and other control characters escaped. */
    public static String guard(String text) {
        if (text == null) return null;
        int i = 0;
        while (i < text.length() && !special(text.charAt(i))) i++;
        if (i == text.length()) return text;
        StringBuilder out = new StringBuilder(text.length() + 16).append(text, 0, i);
        for (; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') continue; // CRLF: one line break
            if (c == '\n') out.append('\n').append(CONTINUATION);
            else if (c == '\r') out.append("\\r");
            else if (special(c)) out.append(String.format("\\u%04x", (int) c));
            else out.append(c);
        }
        return out.toString();
    }

    private static boolean special(char c) {
        return (c < 0x20 && c != '\t') || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }

    /** The Logback side, in a class of its own so that nothing of Logback is loaded when another logging system runs. */
    static final class Logback {
        private Logback() {}

        @SuppressWarnings("unchecked")
        static void install(LoggerContext context) {
            Map<String, Supplier<DynamicConverter<?>>> rules =
                    (Map<String, Supplier<DynamicConverter<?>>>) context.getObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS);
            if (rules == null) {
                rules = new HashMap<>();
                context.putObject(CoreConstants.PATTERN_RULE_REGISTRY_FOR_SUPPLIERS, rules);
            }
            for (String word : new String[]{"m", "msg", "message"}) rules.put(word, Message::new);
            // Boot's default patterns end with %wEx (logging.exception-conversion-word).
            rules.put("wEx", Throwables::new);
            // The same text for less CPU (ConsolePatternShortcuts): Boot's date once per second, idle colours left out.
            for (String word : new String[]{"d", "date"}) rules.put(word, ConsolePatternShortcuts.Date::new);
            // Encoders parse their pattern when they start: restart those Boot has just started.
            for (var logger : context.getLoggerList()) {
                for (var it = logger.iteratorForAppenders(); it.hasNext(); ) {
                    if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
                            && appender.getEncoder() instanceof PatternLayoutEncoder encoder) {
                        encoder.stop();
                        encoder.setPattern(ConsolePatternShortcuts.withoutIdleColours(encoder.getPattern()));
                        encoder.start();
                    }
                }
            }
        }
    }

    /** {@code %m}, guarded. */
    public static final class Message extends MessageConverter {
        @Override
        public String convert(ILoggingEvent event) {
            return guard(super.convert(event));
        }
    }

    /** Boot's {@code %wEx}, with each exception's message guarded (the stack frames are the JVM's own). */
    public static final class Throwables extends ExtendedWhitespaceThrowableProxyConverter {
        @Override
        protected String throwableProxyToString(IThrowableProxy tp) {
            return super.throwableProxyToString(Guarded.of(tp));
        }
    }

    private record Guarded(IThrowableProxy tp) implements IThrowableProxy {
        static IThrowableProxy of(IThrowableProxy tp) {
            return tp == null ? null : new Guarded(tp);
        }

        @Override
        public String getMessage() {
            return guard(tp.getMessage());
        }

        @Override
        public String getOverridingMessage() {
            return guard(tp.getOverridingMessage());
        }

        @Override
        public String getClassName() {
            return tp.getClassName();
        }

        @Override
        public StackTraceElementProxy[] getStackTraceElementProxyArray() {
            return tp.getStackTraceElementProxyArray();
        }

        @Override
        public int getCommonFrames() {
            return tp.getCommonFrames();
        }

        @Override
        public IThrowableProxy getCause() {
            return of(tp.getCause());
        }

        @Override
        public IThrowableProxy[] getSuppressed() {
            IThrowableProxy[] s = tp.getSuppressed();
            return s == null ? null : Arrays.stream(s).map(Guarded::of).toArray(IThrowableProxy[]::new);
        }

        @Override
        public boolean isCyclic() {
            return tp.isCyclic();
        }
    }
}
