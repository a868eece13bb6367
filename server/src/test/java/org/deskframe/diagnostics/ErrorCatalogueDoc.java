package org.deskframe.diagnostics;

import static org.deskframe.testing.GeneratedDocs.cell;
import static org.deskframe.testing.GeneratedDocs.code;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.testing.GeneratedDocs;

/**
 * Renders {@code docs/errors.md} from {@link ErrorCode}. The close-code ranges and the meaning of each placeholder are
 * written here, next to the renderer, and {@link ErrorCatalogueTests} checks them against the catalogue.
 */
final class ErrorCatalogueDoc {

    /** The same pattern {@link Problem} fills: {@code {name}}. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\{([A-Za-z]+)}");

    /** What each placeholder in a message or hint is filled with. */
    static final Map<String, String> PLACEHOLDERS = placeholders();

    private static Map<String, String> placeholders() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("agent", "the agent's id");
        p.put("allowed", "the values that are allowed (origins or scopes space-separated; content types comma-separated)");
        p.put("audience", "the token's `aud` values");
        p.put("client", "the OAuth client id");
        p.put("expected", "the agent, organisation and client the session belongs to");
        p.put("got", "the agent, organisation and client of the refreshed token");
        p.put("expectedAudience", "this deployment's API audience (`<public URL>/api`)");
        p.put("expectedIssuer", "this deployment's issuer (its public URL)");
        p.put("expectedOrg", "the organisation that was expected (the agent's, or the one asked for)");
        p.put("env", "the deployment URL the client was given (`env` of `EmbeddingClient`, `--env` of `deskframe doctor`)");
        p.put("expiredAt", "the token's `exp`, as an ISO-8601 instant");
        p.put("deployment", "the messenger deployment's id"); // guest
        p.put("call", "the call's id"); // calls
        p.put("callee", "who was called (an agent's display name and id, or the customer)");
        p.put("other", "the id of the other call the callee is on");
        p.put("participant", "an agent's id, or `customer <id>`");
        p.put("widget", "`voice` for an audio call, `video` for a video call");
        p.put("state", "the call's state: `ringing`, `connected`, `held` or `ended`");
        p.put("action", "what was asked: `answered`, `declined`, `held`, `resumed`, `muted`, `re-attached` or `hung up`");
        p.put("device", "`microphone`, `camera` or `microphone and camera`");
        p.put("granted", "the scopes the token carries");
        p.put("jti", "the assertion's (or customer token's) `jti`");
        p.put("maxLifetimeSeconds", "the longest an assertion may live, from `iat` to `exp`, in seconds");
        p.put("home", "the platform's front page (its public URL)");
        p.put("path", "the path of the request");
        p.put("identity", "the username or client id whose sign-ins failed");
        p.put("limit", "the limit that was exceeded (a rate, or a size in bytes)");
        p.put("missing", "the scopes the token lacks");
        p.put("notAllowed", "the missing scopes that the OAuth client is not allowed (an admin must add them first)");
        p.put("notBefore", "the token's `nbf` (or `iat`), as an ISO-8601 instant");
        p.put("operation", "the deployment-wide operation that was refused");
        p.put("org", "the organisation id (for a grant: the OAuth client's organisation)");
        p.put("origin", "the embedding page's origin");
        p.put("parameter", "the PKCE parameter that was refused (`code_challenge` or `code_verifier`)");
        p.put("proxy", "why a proxy is suspected (the forwarding header seen)");
        p.put("reason", "what exactly is wrong");
        p.put("turn", "the TURN server's URL, as deskframe.calls.turn-urls lists it");
        p.put("turnError", "the TURN server's error code (401: the credential does not match)");
        p.put("region", "this deployment's region id");
        p.put("rejected", "the requested scopes that were refused");
        p.put("requested", "what was asked of the wrong port (the gateway WebSocket, or an HTTP method and path)");
        p.put("resource", "the kind and id of the resource");
        p.put("rotatedSecondsAgo", "how long ago the presented refresh token was rotated, in seconds");
        p.put("retryAfterSeconds", "seconds to wait before retrying");
        p.put("right", "where that is served instead (the gateway's WebSocket URL, or the HTTP API's URL)");
        p.put("seconds", "the timeout that passed, in seconds (upgrade, handshake or heartbeat)");
        p.put("served", "what this port serves");
        p.put("size", "the frame's size in bytes");
        p.put("skewSeconds", "the clock skew tolerated, in seconds");
        p.put("stream", "the gateway WebSocket URL (the `gateway` field of `<env>/embed/v1/env`)");
        p.put("subject", "the token's `sub`, or the username an assertion or a sign-in named");
        p.put("suggestion", "the fix, worked out for the request (for example the scope that was probably meant)");
        p.put("target", "the widget or API that needs the scope");
        p.put("tokenEndpoint", "this deployment's token endpoint (`<public URL>/oauth2/token`), an assertion's `aud`");
        p.put("tokenIssuer", "the token's `iss`");
        p.put("tokenOrg", "the token's `org`");
        p.put("typ", "the token's header `typ`, or `(none)`");
        // staples (issues 9 and 11)
        p.put("what", "what was asked for that is for agents only (internal notes of a conversation, canned responses)");
        p.put("participant", "who asked, as `kind:id` (`customer:...`)");
        p.put("title", "the canned response's title");
        p.put("existing", "the id of the canned response that already has the title");
        // attachments (issue 11)
        p.put("file", "the uploaded file's name");
        p.put("who", "whose limit applies (agents, or the customers of a messenger deployment)");
        p.put("setting", "where the sender's limit is set (a setting, or the messenger deployment in the admin API)");
        // routing
        p.put("conversation", "the conversation's id");
        p.put("queue", "the queue's id");
        p.put("status", "the presence status that was sent");
        p.put("wrapUp", "the wrap-up code that was sent");
        // routing end
        return p;
    }

    private ErrorCatalogueDoc() {}

    static Set<String> placeholdersOf(ErrorCode error) {
        Set<String> names = new TreeSet<>();
        for (String template : List.of(error.messageTemplate(), error.hintTemplate())) {
            Matcher m = PLACEHOLDER.matcher(template);
            while (m.find()) names.add(m.group(1));
        }
        return names;
    }

    static String render() {
        StringBuilder md = new StringBuilder();
        md.append("# Error catalogue\n\n");
        md.append(GeneratedDocs.header("server/src/main/java/org/deskframe/diagnostics/ErrorCode.java", "ErrorCatalogueTests"));
        md.append("""

                Every failure Deskframe reports has one entry here, and every path reports it the same way: the HTTP
                body (`{"code", "message", "hint", ...details}`, with the HTTP status below and, for token failures,
                an RFC 6750 `WWW-Authenticate` header), the gateway's `{"op":"error", ...}` frame followed by a close
                frame with the close code below, the widget and the browser console (debug), and the server log.
                Placeholders in `{braces}` are filled from the details of the failure (see the last table).

                In the server log a failure is one line (`<code>: <message> Fix: <hint>`). Details often hold what a
                client sent (a token's `kid`, `typ`, `alg` or issuer, a path, an origin, a widget name), so the line
                is escaped like a JSON string (`\\n`, `\\r`, `\\u001b`, `\\\\`): nothing a client sends can start a log
                line of its own. The bodies and frames a client gets carry the values unescaped, as JSON. Beneath
                that, for text Deskframe does not write itself (framework messages, exception messages), the log
                pattern indents every line of an entry after its first and escapes other control characters.

                ## What a client does after a close code

                | close codes | client action | what to do |
                | --- | --- | --- |
                """);
        for (CloseRange range : CloseRange.values()) {
            md.append("| ").append(range.from()).append("–").append(range.to()).append(" | ").append(code(range.name()))
                    .append(" | ").append(range.meaning()).append(" |\n");
        }
        md.append("""

                ## Codes

                Codes that share a name (such as `token.missing`) are variants of one failure with a more specific
                message; clients treat them alike. The token endpoint (`/oauth2/token`) sends its codes next to the
                RFC 6749 `error` and `error_description`, with RFC 6749's status (400, 401 for `invalid_client`, 429
                when throttled) rather than the HTTP column (see [oauth.md](oauth.md)). The `env.*` and
                `handshake.failed` codes are raised by clients (`EmbeddingClient`, `deskframe doctor`), not the server.

                | code | HTTP | close | client action | message | hint |
                | --- | --- | --- | --- | --- | --- |
                """);
        for (ErrorCode error : ErrorCode.values()) {
            md.append("| ").append(code(error.code()))
                    .append(" | ").append(error.httpStatus())
                    .append(" | ").append(error.closeCode())
                    .append(" | ").append(code(error.clientAction().name()))
                    .append(" | ").append(cell(error.messageTemplate()))
                    .append(" | ").append(cell(error.hintTemplate()))
                    .append(" |\n");
        }
        md.append("""

                ## Placeholders

                | placeholder | filled with |
                | --- | --- |
                """);
        new TreeSet<>(PLACEHOLDERS.keySet()).forEach(name ->
                md.append("| ").append(code("{" + name + "}")).append(" | ").append(PLACEHOLDERS.get(name)).append(" |\n"));
        return md.toString();
    }
}
