package org.deskframe.diagnostics;

import java.util.Arrays;
import java.util.Locale;

/**
 * What a client does after a close code, by the range the code is in: the one table the catalogue
 * ({@link ErrorCode#clientAction()}), docs/errors.md, the error frame's {@code action} and the JavaScript mirror
 * ({@code embed/v1/codes.js}, compared by a test) all read. Codes below 4000 (1006 and so on) are transport failures:
 * reconnect.
 */
public enum CloseRange {
    RECONNECT(4000, 4099, "Transient: reconnect with backoff (honour `retryAfterSeconds` when present)."),
    NEW_TOKEN(4100, 4199, "The token is missing, expired, not yet valid or revoked: call `getAccessToken` for a new one, then reconnect."),
    STOP(4300, 4399, "The integration is wrong: do not retry; show the message and fix what the hint says.");

    private final int from;
    private final int to;
    private final String meaning;

    CloseRange(int from, int to, String meaning) {
        this.from = from;
        this.to = to;
        this.meaning = meaning;
    }

    public int from() {
        return from;
    }

    public int to() {
        return to;
    }

    /** What the client should do, in a sentence (rendered into docs/errors.md). */
    public String meaning() {
        return meaning;
    }

    /** The action's name on the wire ({@code reconnect}, {@code new_token}, {@code stop}). */
    public String action() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean contains(int closeCode) {
        return closeCode >= from && closeCode <= to;
    }

    /** The range of an application close code; transport codes (below 4000) mean reconnect. */
    public static CloseRange of(int closeCode) {
        if (closeCode < 4000) return RECONNECT;
        return Arrays.stream(values()).filter(r -> r.contains(closeCode)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("close code " + closeCode + " is in no documented range"));
    }
}
