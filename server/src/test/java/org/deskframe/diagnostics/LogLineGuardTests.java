package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The Logback safety net's rule: lines after an entry's first are indented; CR and control characters escaped. */
class LogLineGuardTests {

    @Test
    void everyLineAfterTheFirstIsIndented() {
        assertThat(LogLineGuard.guard("one\ntwo\r\nthree")).isEqualTo("one\n  two\n  three");
    }

    @Test
    void aLoneCarriageReturnAndOtherControlCharactersAreEscapedButTabsStay() {
        assertThat(LogLineGuard.guard("a\rb\u001b[2Jc\td\u2028")).isEqualTo("a\\rb\\u001b[2Jc\td\\u2028");
    }

    @Test
    void plainTextIsLeftAsItIs() {
        String plain = "Gateway listening on all interfaces port 8090";
        assertThat(LogLineGuard.guard(plain)).isSameAs(plain);
        assertThat(LogLineGuard.guard(null)).isNull();
    }
}
