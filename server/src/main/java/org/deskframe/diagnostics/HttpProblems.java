package org.deskframe.diagnostics;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Collection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.MediaType;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link Problem} as an HTTP response: the catalogue's status, an RFC 6750 {@code WWW-Authenticate}
 * header for token problems, and the JSON body {@code {code, message, hint, ...details}}.
 */
public final class HttpProblems {

    private static final Logger log = LoggerFactory.getLogger(HttpProblems.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private HttpProblems() {}

    public static void write(HttpServletResponse response, Problem problem) throws IOException {
        log.info("HTTP {} {}", problem.error().httpStatus(), problem.toLogLine());
        response.setStatus(problem.error().httpStatus());
        String challenge = bearerChallenge(problem);
        if (challenge != null) response.setHeader("WWW-Authenticate", challenge);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(JSON.writeValueAsBytes(problem.toMap()));
    }

    public static byte[] body(Problem problem) {
        return JSON.writeValueAsBytes(problem.toMap());
    }

    /** The RFC 6750 challenge for a problem, or null if the problem is not about the bearer token. */
    public static String bearerChallenge(Problem problem) {
        String code = problem.code();
        if (problem.error() == ErrorCode.TOKEN_MISSING || problem.error() == ErrorCode.TOKEN_MISSING_BEHIND_PROXY) {
            return "Bearer realm=\"deskframe\"";
        }
        if (problem.error() == ErrorCode.TOKEN_IN_URL) {
            return "Bearer realm=\"deskframe\", error=\"invalid_request\", error_description=\"" + oauthSafe(problem.message()) + "\"";
        }
        if (ErrorCode.TOKEN_SCOPE_MISSING.code().equals(code)) { // either variant: not allowed, or not requested
            Object required = problem.details().get("missing");
            String scope = required instanceof Collection<?> c ? String.join(" ", c.stream().map(String::valueOf).toList())
                    : String.valueOf(required);
            return "Bearer realm=\"deskframe\", error=\"insufficient_scope\", error_description=\"" + oauthSafe(problem.message())
                    + "\", scope=\"" + oauthSafe(scope) + "\"";
        }
        if (code.startsWith("token.") || code.startsWith("agent.") || code.startsWith("client.")) {
            return "Bearer realm=\"deskframe\", error=\"invalid_token\", error_description=\"" + oauthSafe(code + ": " + problem.message()) + "\"";
        }
        return null;
    }

    /**
     * Text fit for an OAuth {@code error_description} (RFC 6749) or a quoted {@code WWW-Authenticate} parameter
     * (RFC 6750): printable ASCII without double quote or backslash.
     */
    public static String oauthSafe(String s) {
        return s.replace('"', '\'').replace('\\', '/').replaceAll("[^\\x20-\\x7E]", "?");
    }
}
