package org.deskframe.diagnostics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Escaping for log lines: whatever a value holds, it stays on one line, and nothing else about it changes. */
class LogTextTests {

    @Test
    void lineBreaksAndControlCharactersBecomeEscapes() {
        assertThat(LogText.escape("a\nb\r\nc\td")).isEqualTo("a\\nb\\r\\nc\\td");
        assertThat(LogText.escape("\u001b[31mred\u0000\u007f\u0085\u2028\u2029")).isEqualTo("\\u001b[31mred\\u0000\\u007f\\u0085\\u2028\\u2029");
        // The backslash itself is escaped, so an escape in the log always means a control character was there.
        assertThat(LogText.escape("C:\\n")).isEqualTo("C:\\\\n");
    }

    @Test
    void plainTextIsLeftAsItIs() {
        String plain = "https://desk.example.com:8443 é 日本 'quoted' {\"op\":\"ping\"}";
        assertThat(LogText.escape(plain)).isSameAs(plain);
        assertThat(LogText.escape(null)).isEqualTo("null");
    }

    @Test
    void aProblemsLogLineIsOneLineWhateverItsDetailsHold() {
        Problem p = Problem.of(ErrorCode.TOKEN_BAD_SIGNATURE, Map.of("reason", "key id 'x\n2026-12-01T00:00:00Z  INFO forged'"));
        assertThat(p.toLogLine()).doesNotContain("\n").contains("key id 'x\\n2026-12-01T00:00:00Z  INFO forged'");
        // The body a client gets is not escaped: JSON carries the value as it was.
        assertThat(p.message()).contains("x\n2026");
    }
}
