package org.deskframe.broker;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jwt.JWTParser;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One POST to the token endpoint, authenticated with client_secret_basic, and what came back: a token response, a
 * permanent refusal, or a transient failure worth retrying. Knows nothing of caching or retries.
 */
final class TokenEndpoint {

    /** A successful token response. */
    record Granted(String accessToken, Instant expiresAt, List<String> scopes, String refreshToken) {
        @Override
        public String toString() {
            return "Granted[scopes=" + scopes + ", expiresAt=" + expiresAt + ", refreshToken=" + (refreshToken != null) + "]";
        }
    }

    /** What the server (or the network) said instead of a token. */
    record Refused(int status, String error, String code, String message, String hint, boolean transientFailure,
                   Duration retryAfter, Throwable cause) {}

    sealed interface Outcome permits Success, Failure {}

    record Success(Granted granted) implements Outcome {}

    record Failure(Refused refused) implements Outcome {}

    private final URI uri;
    private final String basicAuthorization;
    private final HttpClient http;
    private final Duration requestTimeout;

    TokenEndpoint(URI uri, String clientId, String clientSecret, HttpClient http, Duration requestTimeout) {
        this.uri = uri;
        // RFC 6749 2.3.1: id and secret are form-encoded before they are joined and base64-encoded.
        String pair = form(clientId) + ":" + form(clientSecret);
        this.basicAuthorization = "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        this.http = http;
        this.requestTimeout = requestTimeout;
    }

    URI uri() {
        return uri;
    }

    Outcome post(Map<String, String> params, Instant sentAt, List<String> requestedScopes) {
        String body = params.entrySet().stream().filter(e -> e.getValue() != null && !e.getValue().isEmpty())
                .map(e -> form(e.getKey()) + "=" + form(e.getValue())).collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(requestTimeout)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .header("Authorization", basicAuthorization)
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return new Failure(new Refused(0, null, null, "the token endpoint " + uri + " could not be reached (" + e + ")",
                    "Check that the platform URL is right and reachable from this backend.", true, null, e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(new Refused(0, null, null, "interrupted while waiting for the token endpoint", null, false, null, e));
        }
        return read(response, sentAt, requestedScopes);
    }

    private Outcome read(HttpResponse<String> response, Instant sentAt, List<String> requestedScopes) {
        int status = response.statusCode();
        Map<String, Object> json = parse(response.body());
        if (status == 200 && json != null && json.get("access_token") instanceof String token && !token.isBlank()) {
            return new Success(new Granted(token, expiry(json, token, sentAt), scopes(json, requestedScopes),
                    json.get("refresh_token") instanceof String r && !r.isBlank() ? r : null));
        }
        boolean transientFailure = status == 429 || status >= 500 || status == 408;
        Duration retryAfter = response.headers().firstValue("Retry-After").map(v -> retryAfter(v, sentAt)).orElse(null);
        if (json == null) {
            String what = status == 200 ? "a 200 answer without an access_token" : "HTTP " + status + " without a JSON error body";
            return new Failure(new Refused(status, null, null, "the token endpoint " + uri + " sent " + what,
                    status == 200 || status == 404 ? "Check the platform URL: " + uri + " must be Deskframe's token endpoint." : null,
                    transientFailure, retryAfter, null));
        }
        String error = text(json, "error");
        String code = text(json, "code");
        String message = text(json, "message");
        if (message == null) message = text(json, "error_description");
        if (message == null) message = status == 200 ? "the token response has no access_token" : "HTTP " + status;
        return new Failure(new Refused(status, error, code, message, text(json, "hint"), transientFailure, retryAfter, null));
    }

    private static Instant expiry(Map<String, Object> json, String token, Instant sentAt) {
        if (json.get("expires_in") instanceof Number n) {
            // Counted from when the request left, so the broker never believes a token lives longer than it does.
            return sentAt.plusSeconds(n.longValue());
        }
        try {
            Date exp = JWTParser.parse(token).getJWTClaimsSet().getExpirationTime();
            if (exp != null) return exp.toInstant();
        } catch (ParseException ignored) {
            // An opaque token without expires_in: treat it as already due for refresh.
        }
        return sentAt;
    }

    private static List<String> scopes(Map<String, Object> json, List<String> requested) {
        String scope = text(json, "scope");
        if (scope == null) return requested;
        return Arrays.stream(scope.trim().split("\\s+")).filter(s -> !s.isEmpty()).distinct().sorted().toList();
    }

    /** Retry-After as delta-seconds or an HTTP date (RFC 9110 10.2.3); null when unreadable. */
    static Duration retryAfter(String value, Instant now) {
        String v = value.trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(v)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration d = Duration.between(now, at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static Map<String, Object> parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return JSONObjectUtils.parse(body);
        } catch (ParseException e) {
            return null;
        }
    }

    private static String text(Map<String, Object> json, String name) {
        return json.get(name) instanceof String s && !s.isBlank() ? s : null;
    }

    private static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
