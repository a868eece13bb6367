package org.deskframe.broker;

import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An agent signing in with authorization code + PKCE through the platform's own login form, as a browser would:
 * returns the code and the verifier for the backend to exchange.
 */
final class CodeFlowSignIn {

    record Result(String code, String verifier, URI redirectUri) {}

    private CodeFlowSignIn() {}

    static Result signIn(String base, String clientId, URI redirectUri, String scope, String username, String password) throws Exception {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        String verifier = Base64.getUrlEncoder().withoutPadding().encodeToString(random);
        String challenge = Base64.getUrlEncoder().withoutPadding().encodeToString(
                MessageDigest.getInstance("SHA-256").digest(verifier.getBytes(StandardCharsets.US_ASCII)));
        HttpClient browser = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).build();
        String authorize = base + "/oauth2/authorize?response_type=code&client_id=" + enc(clientId) + "&redirect_uri="
                + enc(redirectUri.toString()) + "&scope=" + enc(scope) + "&state=s1&code_challenge=" + challenge
                + "&code_challenge_method=S256";
        HttpResponse<String> first = browser.send(get(authorize), HttpResponse.BodyHandlers.ofString());
        String login = location(first, base);
        HttpResponse<String> page = browser.send(get(login), HttpResponse.BodyHandlers.ofString());
        Matcher csrf = Pattern.compile("name=\"_csrf\"[^>]*value=\"([^\"]+)\"").matcher(page.body());
        if (!csrf.find()) throw new IllegalStateException("no CSRF token on the login page: " + page.body());
        String form = "username=" + enc(username) + "&password=" + enc(password) + "&_csrf=" + enc(csrf.group(1));
        HttpResponse<String> posted = browser.send(HttpRequest.newBuilder(URI.create(base + "/login"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Accept", "text/html")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        String next = location(posted, base);
        for (int i = 0; i < 5 && !next.startsWith(redirectUri.toString()); i++) {
            next = location(browser.send(get(next), HttpResponse.BodyHandlers.ofString()), base);
        }
        Matcher code = Pattern.compile("[?&]code=([^&]+)").matcher(next);
        if (!code.find()) throw new IllegalStateException("no code in the redirect: " + next);
        return new Result(java.net.URLDecoder.decode(code.group(1), StandardCharsets.UTF_8), verifier, redirectUri);
    }

    private static HttpRequest get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/html").GET().build();
    }

    private static String location(HttpResponse<String> r, String base) {
        String loc = r.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("expected a redirect, got " + r.statusCode() + ": " + r.body()));
        return loc.startsWith("/") ? base + loc : loc;
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
