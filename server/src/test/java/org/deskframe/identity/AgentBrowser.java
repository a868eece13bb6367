package org.deskframe.identity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.CookieManager;
import java.net.CookiePolicy;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * An agent's browser in front of the authorization server: keeps its cookies, follows no redirect on its own (so a
 * test sees each hop), asks for HTML like a browser does, and fills in the login form with its CSRF token.
 */
public final class AgentBrowser {

    private static final Pattern CSRF = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"|value=\"([^\"]+)\"[^>]*name=\"_csrf\"");

    private final String base;
    private final HttpClient http = HttpClient.newBuilder()
            .cookieHandler(new CookieManager(null, CookiePolicy.ACCEPT_ALL))
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    public AgentBrowser(String base) {
        this.base = base;
    }

    /** One response: its status, where it redirects (resolved against the request), and its body. */
    public record Page(int status, URI location, String body, Map<String, java.util.List<String>> headers) {
        public boolean redirectsTo(String pathPrefix) {
            return status / 100 == 3 && location != null && location.getPath().startsWith(pathPrefix);
        }

        public String header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name))
                    .flatMap(e -> e.getValue().stream()).findFirst().orElse(null);
        }
    }

    public Page get(URI uri) {
        return send(HttpRequest.newBuilder(uri).GET()
                .header("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8").build());
    }

    /**
     * Opens an authorization request like a browser: when the server sends it to the login page, signs in there and
     * follows the server back to the authorization endpoint. Returns the last response of the server: normally the
     * redirect to the client's redirect URI (with {@code code} or {@code error}), or the page where it stopped.
     */
    public Page authorize(URI authorizationRequest, String username, String password) {
        Page page = get(authorizationRequest);
        if (page.redirectsTo("/login")) {
            Page signedIn = signIn(username, password);
            if (!signedIn.redirectsTo("/oauth2/authorize")) {
                return signedIn;
            }
            page = get(signedIn.location());
        }
        return page;
    }

    /** Fetches the login form (session cookie + CSRF token) and posts the credentials. */
    public Page signIn(String username, String password) {
        Page form = get(URI.create(base + "/login"));
        if (form.status() != 200) {
            throw new IllegalStateException("login form answered " + form.status());
        }
        Matcher m = CSRF.matcher(form.body());
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token on the login form:\n" + form.body());
        }
        String csrf = m.group(1) != null ? m.group(1) : m.group(2);
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("username", username);
        fields.put("password", password);
        fields.put("_csrf", csrf);
        String body = fields.entrySet().stream()
                .map(e -> URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8) + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        return send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "text/html").build());
    }

    private Page send(HttpRequest request) {
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            URI location = r.headers().firstValue("Location").map(l -> request.uri().resolve(l)).orElse(null);
            return new Page(r.statusCode(), location, r.body(), r.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
