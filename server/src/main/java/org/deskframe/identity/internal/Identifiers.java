package org.deskframe.identity.internal;

import java.util.Map;
import java.util.regex.Pattern;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;

/** Ids are URL-safe so they can appear in paths and claims without escaping. */
final class Identifiers {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

    private Identifiers() {}

    static void requireValid(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    what + " '" + id + "' must be 1-64 characters of letters, digits, '.', '_' or '-', starting with a letter or digit"));
        }
    }
}
