package org.deskframe.cli;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.stream.Collectors;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** HTTP to one Deskframe deployment: GETs with a bearer token, the client_credentials grant, and JSON answers. */
final class PlatformHttp {

    static final JsonMapper JSON = JsonMapper.builder().build();

    /** An answer; {@code json} is null when the body is not JSON. */
    record Answer(int status, JsonNode json, String body) {
        String text(String field) {
            return json != null && json.hasNonNull(field) ? json.get(field).asString() : null;
        }
    }

    /** The platform could not be reached at all; {@link #reason()} says how (refused, timed out...). */
    static final class Unreachable extends Exception {
        private final String reason;

        Unreachable(String env, String reason, Throwable cause) {
            super(env + " is unreachable: " + reason, cause);
            this.reason = reason;
        }

        String reason() {
            return reason;
        }
    }

    private final String env;
    private final HttpClient http;
    private final Duration timeout;

    PlatformHttp(String env, Duration timeout) {
        this.env = env;
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    String env() {
        return env;
    }

    HttpClient client() {
        return http;
    }

    Answer get(String path, String bearer) throws Unreachable {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(env + path)).timeout(timeout).header("Accept", "application/json").GET();
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    /** Any method with an optional JSON body (admin commands that change things). */
    Answer call(String method, String path, String bearer, String jsonBody) throws Unreachable {
        return json(method, path, null, bearer, jsonBody);
    }

    /** A JSON request as a browser page on {@code origin} would send it (its Origin header), optionally with a bearer token. */
    Answer json(String method, String path, String origin, String bearer, String body) throws Unreachable {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(env + path)).timeout(timeout).header("Accept", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) b.header("Content-Type", "application/json");
        if (origin != null) b.header("Origin", origin);
        if (bearer != null) b.header("Authorization", "Bearer " + bearer);
        return send(b.build());
    }

    /** A token for the client itself (client_credentials), authenticated with client_secret_basic. */
    Answer clientCredentials(String clientId, String clientSecret, String scope) throws Unreachable {
        String pair = form(clientId) + ":" + form(clientSecret);
        String body = Map.of("grant_type", "client_credentials", "scope", scope).entrySet().stream()
                .map(e -> form(e.getKey()) + "=" + form(e.getValue())).collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(env + "/oauth2/token")).timeout(timeout)
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "application/json")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    Answer send(HttpRequest request) throws Unreachable {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), parse(r.body()), r.body());
        } catch (IOException e) {
            throw new Unreachable(env, describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable(env, "interrupted while calling it", e);
        }
    }

    /** A network failure in words: refused, timed out, unknown host, TLS, or the exception as a last resort. */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.http.HttpConnectTimeoutException || t instanceof java.net.http.HttpTimeoutException) {
                return "timed out: " + t.getClass().getSimpleName();
            }
            if (t instanceof java.net.ConnectException) return "connection refused: nothing listens there";
            if (t instanceof java.nio.channels.UnresolvedAddressException || t instanceof java.net.UnknownHostException) {
                return "unknown host: " + t.getClass().getSimpleName();
            }
            if (t instanceof javax.net.ssl.SSLException) return "TLS failed: " + t.getMessage();
        }
        Throwable t = e;
        while (t.getCause() != null && (t.getMessage() == null || t.getMessage().isBlank())) t = t.getCause();
        String name = t.getClass().getSimpleName();
        return t.getMessage() == null || t.getMessage().isBlank() ? name : name + ": " + t.getMessage();
    }

    static JsonNode parse(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            JsonNode node = JSON.readTree(body);
            return node != null && node.isObject() ? node : null;
        } catch (JacksonException e) {
            return null;
        }
    }

    /** Any JSON value (an array too), or null when the body is not JSON. */
    static JsonNode parseAny(String body) {
        if (body == null || body.isBlank()) return null;
        try {
            return JSON.readTree(body);
        } catch (JacksonException e) {
            return null;
        }
    }

    static String form(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
