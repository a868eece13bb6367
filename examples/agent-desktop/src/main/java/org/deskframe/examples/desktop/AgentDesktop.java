package org.deskframe.examples.desktop;

import com.nimbusds.jose.util.JSONObjectUtils;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deskframe.broker.AgentToken;
import org.deskframe.broker.AgentTokenBroker;
import org.deskframe.broker.AssertionSigner;
import org.deskframe.broker.TokenBrokerException;
import org.deskframe.examples.desktop.DesktopSessions.Session;
import org.deskframe.examples.desktop.DesktopSettings.DesktopUser;

/**
 * The example agent desktop's backend: its own login and session cookie, the page that embeds Deskframe's widgets,
 * and {@code POST /api/access-token}, which gives the signed-in agent's page a Deskframe token from the token broker.
 * The token endpoint is same-origin only: it needs the session cookie (SameSite=Lax, HttpOnly) and the session's CSRF
 * token in a header, and refuses other origins.
 */
public final class AgentDesktop implements AutoCloseable {

    static final String COOKIE = "desk_session";
    static final String CSRF_HEADER = "X-CSRF-Token";
    private static final System.Logger log = System.getLogger(AgentDesktop.class.getName());

    private final DesktopSettings settings;
    private final AgentTokenBroker broker;
    private final DesktopSessions sessions;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    private final URI origin;

    private AgentDesktop(DesktopSettings settings, AgentTokenBroker broker) throws IOException {
        this.settings = settings;
        this.broker = broker;
        this.sessions = new DesktopSessions(settings.sessionIdle(), Clock.systemUTC());
        this.server = HttpServer.create(new InetSocketAddress(settings.port()), 64);
        this.origin = settings.origin(server.getAddress().getPort());
        server.setExecutor(executor);
        server.createContext("/", this::route);
    }

    public static AgentDesktop start(DesktopSettings settings) throws IOException {
        AgentTokenBroker.Builder b = AgentTokenBroker.builder(settings.platform(), settings.clientId(), settings.clientSecret());
        if (settings.assertionJwk() != null) b.assertionSigner(AssertionSigner.fromPrivateJwk(settings.assertionJwk()));
        else b.hs256Assertions();
        AgentDesktop desktop = new AgentDesktop(settings, b.build());
        desktop.server.start();
        return desktop;
    }

    public static void main(String[] args) throws IOException {
        AgentDesktop desktop = start(DesktopSettings.fromEnvironment(System.getenv()));
        Runtime.getRuntime().addShutdownHook(new Thread(desktop::close, "desktop-shutdown"));
        StringBuilder s = new StringBuilder("\n  Example agent desktop is ready\n");
        s.append("  Desktop:   ").append(desktop.origin()).append('\n');
        s.append("  Platform:  ").append(desktop.settings.platform()).append(" (org ").append(desktop.settings.org())
                .append(", OAuth client ").append(desktop.settings.clientId()).append(")\n");
        if (desktop.settings.demoUsers()) {
            s.append("  Sign in as agent1 / agent1-demo-pass, and in another browser profile as agent2 / agent2-demo-pass\n");
        } else {
            s.append("  Users: ").append(String.join(", ", desktop.settings.users().keySet())).append('\n');
        }
        System.out.println(s);
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The desktop's origin (what the OAuth client must allow for embedding). */
    public URI origin() {
        return origin;
    }

    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    private void route(HttpExchange ex) throws IOException {
        try (ex) {
            securityHeaders(ex);
            String path = ex.getRequestURI().getPath();
            String method = ex.getRequestMethod();
            switch (path) {
                case "/" -> requireMethod(ex, "GET", () -> desktopPage(ex));
                case "/login" -> {
                    if ("GET".equals(method)) loginPage(ex, null, 200);
                    else requireMethod(ex, "POST", () -> login(ex));
                }
                case "/logout" -> requireMethod(ex, "POST", () -> logout(ex));
                case "/api/access-token" -> requireMethod(ex, "POST", () -> accessToken(ex));
                case "/app.js" -> requireMethod(ex, "GET", () -> resource(ex, "desktop/app.js", "text/javascript; charset=utf-8"));
                case "/desktop.css" -> requireMethod(ex, "GET", () -> resource(ex, "desktop/desktop.css", "text/css; charset=utf-8"));
                case "/healthz" -> send(ex, 200, "text/plain; charset=utf-8", "ok");
                case "/favicon.ico" -> send(ex, 204, "image/x-icon", "");
                default -> send(ex, 404, "text/plain; charset=utf-8", "Not found");
            }
        } catch (RuntimeException e) {
            log.log(System.Logger.Level.ERROR, "Request " + ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " failed", e);
            send(ex, 500, "text/plain; charset=utf-8", "Internal error");
        }
    }

    private interface Action {
        void run() throws IOException;
    }

    private static void requireMethod(HttpExchange ex, String method, Action action) throws IOException {
        if (!method.equals(ex.getRequestMethod())) {
            ex.getResponseHeaders().set("Allow", method);
            send(ex, 405, "text/plain; charset=utf-8", "Method not allowed");
            return;
        }
        action.run();
    }

    private void desktopPage(HttpExchange ex) throws IOException {
        Optional<Session> session = session(ex);
        if (session.isEmpty()) {
            redirect(ex, "/login");
            return;
        }
        Session s = session.get();
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("platform", settings.platform().toString());
        config.put("embedModule", settings.platform() + "/embed/v1/deskframe.js");
        config.put("org", settings.org());
        config.put("user", s.user().name());
        config.put("agent", s.user().agent());
        config.put("csrfToken", s.csrfToken());
        // The supervisor view too: the demo's agents may watch their queues (scope supervisor:read).
        config.put("widgets", List.of("messaging", "voice", "video", "supervisor"));
        // "</" would end the script element the JSON sits in.
        String json = JSONObjectUtils.toJSONString(config).replace("</", "<\\/");
        String html = template("desktop/index.html")
                .replace("{{config}}", json)
                .replace("{{user}}", html(s.user().name()))
                .replace("{{agent}}", html(s.user().agent()))
                .replace("{{platform}}", html(settings.platform().toString()))
                .replace("{{csrfToken}}", html(s.csrfToken()));
        ex.getResponseHeaders().set("Content-Security-Policy", pageCsp());
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, 200, "text/html; charset=utf-8", html);
    }

    /** Scripts from here and the platform (EmbeddingClient), frames from the platform only. */
    private String pageCsp() {
        String platform = settings.platform().toString();
        String sibling = sibling(platform);
        String ws = platform.replaceFirst("^http", "ws") + " " + sibling.replaceFirst("^http", "ws");
        return "default-src 'self'; script-src 'self' " + platform + " " + sibling + "; frame-src " + platform + " " + sibling
                + "; connect-src 'self' " + platform + " " + sibling + " " + ws + "; img-src 'self' data: " + platform
                + "; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'";
    }

    private void loginPage(HttpExchange ex, String error, int status) throws IOException {
        String hint = settings.demoUsers()
                ? "<p class=\"hint\">Demo users: <code>agent1</code> / <code>agent1-demo-pass</code> and <code>agent2</code> / "
                  + "<code>agent2-demo-pass</code> (the platform's demo agents, same passwords; open the second one in a"
                  + " private window or another browser).</p>"
                : "";
        String html = template("desktop/login.html")
                .replace("{{error}}", error == null ? "" : "<p class=\"error\" role=\"alert\">" + html(error) + "</p>")
                .replace("{{hint}}", hint)
                .replace("{{platform}}", html(settings.platform().toString()));
        ex.getResponseHeaders().set("Content-Security-Policy", "default-src 'self'; form-action 'self'; frame-ancestors 'none'");
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        send(ex, status, "text/html; charset=utf-8", html);
    }

    private void login(HttpExchange ex) throws IOException {
        if (!sameOrigin(ex)) {
            send(ex, 403, "text/plain; charset=utf-8", "Cross-origin sign-in refused");
            return;
        }
        Map<String, String> form = form(ex);
        String name = form.getOrDefault("username", "").trim();
        String password = form.getOrDefault("password", "");
        DesktopUser user = settings.users().get(name);
        boolean ok = user != null && MessageDigest.isEqual(user.password().getBytes(StandardCharsets.UTF_8),
                password.getBytes(StandardCharsets.UTF_8));
        if (!ok) {
            log.log(System.Logger.Level.INFO, "Desktop sign-in refused for user {0}", name.isEmpty() ? "(none)" : name);
            loginPage(ex, "Wrong username or password.", 401);
            return;
        }
        Session old = session(ex).orElse(null);
        if (old != null) sessions.close(old.id());
        Session s = sessions.open(user);
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=" + s.id() + "; Path=/; HttpOnly; SameSite=Lax"
                + ("https".equals(origin.getScheme()) ? "; Secure" : ""));
        log.log(System.Logger.Level.INFO, "Desktop user {0} signed in (agent {1})", user.name(), user.agent());
        redirect(ex, "/");
    }

    private void logout(HttpExchange ex) throws IOException {
        Optional<Session> s = session(ex);
        if (s.isPresent()) {
            Map<String, String> form = form(ex);
            if (!sameOrigin(ex) || !s.get().csrfToken().equals(form.get("csrf"))) {
                send(ex, 403, "text/plain; charset=utf-8", "Sign-out refused (CSRF check failed)");
                return;
            }
            sessions.close(s.get().id());
            if (!sessions.anyFor(s.get().user().agent())) broker.forget(s.get().user().agent());
        }
        ex.getResponseHeaders().add("Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax");
        redirect(ex, "/login");
    }

    /** {@code POST /api/access-token}: the signed-in agent's Deskframe token, for the page's getAccessToken. */
    private void accessToken(HttpExchange ex) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.getResponseHeaders().set("Pragma", "no-cache");
        Optional<Session> session = session(ex);
        if (session.isEmpty()) {
            json(ex, 401, Map.of("error", "not_signed_in", "message", "Sign in to the desktop first.", "hint", "Open /login."));
            return;
        }
        String csrf = ex.getRequestHeaders().getFirst(CSRF_HEADER);
        if (!sameOrigin(ex) || csrf == null || !MessageDigest.isEqual(csrf.getBytes(StandardCharsets.UTF_8),
                session.get().csrfToken().getBytes(StandardCharsets.UTF_8))) {
            json(ex, 403, Map.of("error", "csrf", "message", "Missing or wrong " + CSRF_HEADER + " header, or a foreign origin.",
                    "hint", "Call this endpoint from the desktop page with the CSRF token it was given."));
            return;
        }
        String agent = session.get().user().agent();
        try {
            AgentToken token = broker.token(agent, settings.scopes());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("access_token", token.value());
            body.put("token_type", "Bearer");
            body.put("expires_at", token.expiresAt().toString());
            body.put("expires_in", Math.max(0, token.expiresAt().getEpochSecond() - Clock.systemUTC().instant().getEpochSecond()));
            body.put("scope", String.join(" ", token.scopes()));
            json(ex, 200, body);
        } catch (TokenBrokerException e) {
            log.log(System.Logger.Level.WARNING, e.getMessage());
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("error", e.code().or(e::error).orElse("token_unavailable"));
            body.put("message", e.serverMessage());
            e.hint().ifPresent(h -> body.put("hint", h));
            json(ex, e.isTransient() ? 503 : 502, body);
        }
    }

    private boolean sameOrigin(HttpExchange ex) {
        String o = ex.getRequestHeaders().getFirst("Origin");
        if (o != null) return o.equals(origin.toString()) || o.equals(sibling(origin.toString()));
        String site = ex.getRequestHeaders().getFirst("Sec-Fetch-Site");
        return site == null || "same-origin".equals(site) || "none".equals(site);
    }

    private Optional<Session> session(HttpExchange ex) {
        List<String> cookies = ex.getRequestHeaders().getOrDefault("Cookie", List.of());
        for (String header : cookies) {
            for (String c : header.split(";")) {
                String t = c.trim();
                if (t.startsWith(COOKIE + "=")) {
                    Optional<Session> s = sessions.find(t.substring(COOKIE.length() + 1));
                    if (s.isPresent()) return s;
                }
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> form(HttpExchange ex) throws IOException {
        byte[] raw = ex.getRequestBody().readNBytes(16 * 1024);
        Map<String, String> form = new LinkedHashMap<>();
        for (String pair : new String(raw, StandardCharsets.UTF_8).split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = eq < 0 ? pair : pair.substring(0, eq);
            String v = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                form.putIfAbsent(URLDecoder.decode(k, StandardCharsets.UTF_8), URLDecoder.decode(v, StandardCharsets.UTF_8));
            } catch (IllegalArgumentException ignored) {
                // A malformed escape: ignore the field.
            }
        }
        return form;
    }

    private static void securityHeaders(HttpExchange ex) {
        ex.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        ex.getResponseHeaders().set("Referrer-Policy", "same-origin");
    }

    private void resource(HttpExchange ex, String name, String type) throws IOException {
        ex.getResponseHeaders().set("Cache-Control", "no-cache");
        send(ex, 200, type, template(name));
    }

    private static String template(String name) throws IOException {
        try (InputStream in = AgentDesktop.class.getClassLoader().getResourceAsStream(name)) {
            if (in == null) throw new IOException("missing resource " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static void json(HttpExchange ex, int status, Map<String, ?> body) throws IOException {
        send(ex, status, "application/json", JSONObjectUtils.toJSONString(new LinkedHashMap<String, Object>(body)));
    }

    private static void redirect(HttpExchange ex, String location) throws IOException {
        ex.getResponseHeaders().set("Location", location);
        ex.sendResponseHeaders(303, -1);
    }

    private static void send(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) ex.getResponseBody().write(bytes);
    }

    static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }

    /** The same origin with localhost and 127.0.0.1 swapped (browsers treat them as different origins). */
    static String sibling(String origin) {
        URI u = URI.create(origin);
        String host = "localhost".equals(u.getHost()) ? "127.0.0.1" : "127.0.0.1".equals(u.getHost()) ? "localhost" : u.getHost();
        return u.getScheme() + "://" + host + (u.getPort() > 0 ? ":" + u.getPort() : "");
    }
}
