package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.pattern.DateConverter;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.core.CoreConstants;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.springframework.boot.ansi.AnsiOutput;
import org.springframework.boot.logging.logback.ColorConverter;
import org.springframework.boot.logging.logback.EnclosedInSquareBracketsConverter;
import org.springframework.boot.logging.logback.ExtendedWhitespaceThrowableProxyConverter;

/** The shortcuts write the very text Boot's console pattern writes, line for line and millisecond for millisecond. */
class ConsolePatternShortcutsTests {

    /** Spring Boot 4.0's CONSOLE_LOG_PATTERN with its properties resolved as a plain deployment has them. */
    static final String BOOT_CONSOLE = "%clr(%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX}){faint} %clr(%5p){} %clr(4242){magenta} "
            + "%clr(--- %esb(){APPLICATION_NAME}%esb{APPLICATION_GROUP}[%15.15t] ){faint}%clr(%-40.40logger{39}){cyan} "
            + "%clr(:){faint} %m%n%wEx";

    @Test
    void withoutColourWrappersIsBootsPatternWithTheirContentOnly() {
        assertThat(ConsolePatternShortcuts.withoutColourWrappers(BOOT_CONSOLE)).isEqualTo("%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %5p 4242 "
                + "--- %esb(){APPLICATION_NAME}%esb{APPLICATION_GROUP}[%15.15t] %-40.40logger{39} : %m%n%wEx");
        assertThat(ConsolePatternShortcuts.withoutColourWrappers("%clr(a %clr(b){red})")).isEqualTo("a b");
        // What is not understood stays as it is.
        assertThat(ConsolePatternShortcuts.withoutColourWrappers("%clr(unclosed")).isEqualTo("%clr(unclosed");
        assertThat(ConsolePatternShortcuts.withoutColourWrappers("100%%clr(x)")).isEqualTo("100%%clr(x)");
    }

    @Test
    void withColoursOffEveryLineIsWhatBootsPatternWrites() {
        AnsiOutput.setEnabled(AnsiOutput.Enabled.NEVER);
        try {
            assertThat(ConsolePatternShortcuts.withoutIdleColours(BOOT_CONSOLE)).doesNotContain("%clr");
            LoggerContext context = new LoggerContext();
            context.putProperty("APPLICATION_NAME", "deskframe");
            PatternLayout boot = layout(context, BOOT_CONSOLE, false);
            PatternLayout shortcut = layout(context, ConsolePatternShortcuts.withoutIdleColours(BOOT_CONSOLE), true);
            var logger = context.getLogger("org.deskframe.gateway.StreamHandler");
            long start = 1_796_000_000_000L;
            for (long t : new long[]{start, start + 1, start + 999, start + 1000, start + 1001, start + 86_399_999, 0, 999, -1, -1001}) {
                LoggingEvent event = new LoggingEvent("x", logger, Level.INFO,
                        "handshake ok: session {} {} org {} client {} widget {}", null,
                        new Object[]{"s_abc", "agent:agent1", "demo", "demo-backend", "messaging"});
                event.setTimeStamp(t);
                event.setThreadName("gateway-frames");
                assertThat(shortcut.doLayout(event)).as("at %d", t).isEqualTo(boot.doLayout(event));
            }
            // A thrown exception's lines too.
            LoggingEvent failed = new LoggingEvent("x", logger, Level.ERROR, "op failed", new IllegalStateException("boom"), null);
            assertThat(shortcut.doLayout(failed)).isEqualTo(boot.doLayout(failed));
        } finally {
            AnsiOutput.setEnabled(AnsiOutput.Enabled.DETECT);
        }
    }

    @Test
    void withColoursOnThePatternIsLeftAsItIs() {
        AnsiOutput.setEnabled(AnsiOutput.Enabled.ALWAYS);
        try {
            assertThat(ConsolePatternShortcuts.withoutIdleColours(BOOT_CONSOLE)).isSameAs(BOOT_CONSOLE);
        } finally {
            AnsiOutput.setEnabled(AnsiOutput.Enabled.DETECT);
        }
    }

    @Test
    void theDateIsLogbacksForEveryMillisecondOfSecondsAcrossTheRange() {
        LoggerContext context = new LoggerContext();
        for (String pattern : List.of(ConsolePatternShortcuts.BOOT_DATE, "HH:mm:ss,SSS", "yyyy-MM-dd HH:mm:ss.SSS")) {
            DateConverter logback = new DateConverter();
            ConsolePatternShortcuts.Date shortcut = new ConsolePatternShortcuts.Date();
            for (DateConverter c : List.of(logback, shortcut)) {
                c.setContext(context);
                c.setOptionList(List.of(pattern));
                c.start();
            }
            LoggingEvent event = new LoggingEvent();
            for (long base : new long[]{0, 1_796_000_000_000L, 1_711_846_799_000L, -86_400_000L, 253_402_300_799_000L}) {
                for (long t = base - 1500; t <= base + 1500; t += 7) {
                    event.setTimeStamp(t);
                    assertThat(shortcut.convert(event)).as("%s at %d", pattern, t).isEqualTo(logback.convert(event));
                }
            }
        }
    }

    /** A layout as Boot's logging system sets it up (its converters), with or without the shortcut date. */
    @SuppressWarnings("unchecked")
    private static PatternLayout layout(LoggerContext context, String pattern, boolean shortcutDate) {
        PatternLayout layout = new PatternLayout();
        layout.setContext(context);
        Map<String, Supplier<ch.qos.logback.core.pattern.DynamicConverter<?>>> rules = new HashMap<>();
        rules.put("clr", ColorConverter::new);
        rules.put("esb", EnclosedInSquareBracketsConverter::new);
        rules.put("wEx", ExtendedWhitespaceThrowableProxyConverter::new);
        if (shortcutDate) rules.put("d", ConsolePatternShortcuts.Date::new);
        layout.getInstanceConverterMap().putAll((Map) rules);
        layout.setPattern(pattern);
        layout.start();
        return layout;
    }
}
