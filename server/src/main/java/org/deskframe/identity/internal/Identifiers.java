package org.deskframe.identity.internal;

import java.util.Map;
import java.util.regex.Pattern;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Ids;

/** Ids are URL-safe so they can appear in paths and claims without escaping. */
final class Identifiers {
    private static final Pattern ID = Pattern.compile(Ids.PATTERN);

    private Identifiers() {}

    static void requireValid(String what, String id) {
        if (id == null || !ID.matcher(id).matches()) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", what + " '" + id + "' " + Ids.RULE));
        }
    }
}
