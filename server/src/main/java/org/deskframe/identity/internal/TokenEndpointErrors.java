package org.deskframe.identity.internal;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.identity.ClientDirectory;
import org.springframework.http.MediaType;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2AuthenticationException;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.web.authentication.AuthenticationFailureHandler;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes token-endpoint and client-authentication errors as RFC 6749 JSON ({@code error}, {@code error_description})
 * plus Deskframe's {@code code}, {@code message} and {@code hint}: an {@code invalid_scope} names the rejected scopes
 * and the right ones, a throttled client gets 429 with Retry-After, a refusal raised as a {@link CatalogueOAuth2Error}
 * (every {@code invalid_grant} of the jwt-bearer, refresh and code grants) carries its problem, and a failed client
 * authentication counts against that client's throttle. The HTTP status stays RFC 6749's (400, 401 for
 * {@code invalid_client}) whatever the catalogue's HTTP column says.
 */
class TokenEndpointErrors implements AuthenticationFailureHandler {

    static final String THROTTLED = "auth.throttled";

    private final ClientDirectory clients;
    private final FailureThrottle throttle;
    private final boolean clientAuthentication;
    private final JsonMapper json = JsonMapper.builder().build();

    TokenEndpointErrors(ClientDirectory clients, FailureThrottle throttle, boolean clientAuthentication) {
        this.clients = clients;
        this.throttle = throttle;
        this.clientAuthentication = clientAuthentication;
    }

    @Override
    public void onAuthenticationFailure(HttpServletRequest request, HttpServletResponse response,
                                        AuthenticationException exception) throws IOException {
        OAuth2Error error = exception instanceof OAuth2AuthenticationException o ? o.getError()
                : new OAuth2Error(OAuth2ErrorCodes.INVALID_REQUEST, exception.getMessage(), null);
        Optional<String> clientId = clientId(request);
        Map<String, Object> body = new LinkedHashMap<>();
        int status = 400;
        if (error.getDescription() != null && error.getDescription().startsWith(THROTTLED)) {
            long seconds = Long.parseLong(error.getDescription().substring(THROTTLED.length() + 1));
            Problem p = Problem.of(ErrorCode.AUTH_THROTTLED, Map.of("identity", "client " + clientId.orElse("?"),
                    "retryAfterSeconds", seconds));
            response.setHeader("Retry-After", Long.toString(seconds));
            body.put("error", OAuth2ErrorCodes.INVALID_CLIENT);
            body.put("error_description", ScopeRejection.oauthDescription(p));
            body.putAll(p.toMap());
            status = 429;
        } else if (OAuth2ErrorCodes.INVALID_SCOPE.equals(error.getErrorCode())) {
            body.put("error", error.getErrorCode());
            Problem p = clientId.flatMap(clients::find).map(c -> ScopeRejection.check(c.clientId(), requestedScopes(request), c.scopes()))
                    .orElse(null);
            body.put("error_description", p != null ? ScopeRejection.oauthDescription(p) : error.getDescription());
            if (p != null) body.putAll(p.toMap());
        } else {
            if (OAuth2ErrorCodes.INVALID_CLIENT.equals(error.getErrorCode())) {
                status = 401;
                response.setHeader("WWW-Authenticate", "Basic realm=\"deskframe\"");
                if (clientAuthentication && clientId.isPresent() && presentedCredentials(request)) {
                    throttle.failed("client:" + clientId.get());
                }
            }
            body.put("error", error.getErrorCode());
            if (error.getDescription() != null) body.put("error_description", error.getDescription());
            if (error instanceof CatalogueOAuth2Error catalogued && catalogued.problem() != null) {
                body.putAll(catalogued.problem().toMap());
            }
        }
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Pragma", "no-cache");
        response.setContentType(MediaType.APPLICATION_JSON_VALUE);
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }

    private static boolean presentedCredentials(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        return (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6))
                || request.getParameter("client_secret") != null || request.getParameter("client_assertion") != null;
    }

    private static Set<String> requestedScopes(HttpServletRequest request) {
        String scope = request.getParameter("scope");
        return scope == null || scope.isBlank() ? Set.of() : new LinkedHashSet<>(Arrays.asList(scope.trim().split("\\s+")));
    }

    /** The client id from HTTP Basic or the form, without verifying it (for messages and the throttle). */
    static Optional<String> clientId(HttpServletRequest request) {
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(auth.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                if (colon > 0) {
                    return Optional.of(java.net.URLDecoder.decode(decoded.substring(0, colon), StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException ignored) {
                return Optional.empty();
            }
        }
        String formClientId = request.getParameter("client_id");
        return formClientId != null ? Optional.of(formClientId) : ClientAssertionClientId.subject(request);
    }
}
