package org.deskframe.identity.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.Scope;

/**
 * Explains an {@code invalid_scope}: which requested scopes the client may not have, and for each unknown one the
 * known scope that was probably meant. Used by every grant so the token endpoint never answers a bare error.
 */
final class ScopeRejection {

    private ScopeRejection() {}

    /** The problem for the requested scopes outside {@code allowed}, or null if all are allowed. */
    static Problem check(String clientId, Set<String> requested, Set<String> allowed) {
        List<String> rejected = requested.stream().filter(s -> !allowed.contains(s)).sorted().toList();
        if (rejected.isEmpty()) return null;
        List<String> hints = new ArrayList<>();
        for (String scope : rejected) {
            if (Scope.of(scope).isPresent()) {
                hints.add("ask an admin to add '" + scope + "' to the allowed scopes of OAuth client " + clientId);
            } else {
                hints.add(Scope.suggestionFor(scope)
                        .map(s -> "'" + scope + "' is not a Deskframe scope; did you mean '" + s + "'?")
                        .orElse("'" + scope + "' is not a Deskframe scope (known: " + String.join(" ", Scope.allValues()) + ")"));
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("client", clientId);
        details.put("rejected", rejected);
        details.put("allowed", allowed.stream().sorted().toList());
        details.put("suggestion", capitalise(String.join("; ", hints)) + ".");
        return Problem.of(ErrorCode.SCOPE_NOT_ALLOWED, details);
    }

    /** RFC 6749 limits error_description to printable ASCII without quote or backslash. */
    static String oauthDescription(Problem problem) {
        return org.deskframe.diagnostics.HttpProblems.oauthSafe(problem.message() + " " + problem.hint());
    }

    private static String capitalise(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }
}
