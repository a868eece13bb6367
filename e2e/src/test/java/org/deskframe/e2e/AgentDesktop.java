package org.deskframe.e2e;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import tools.jackson.databind.json.JsonMapper;

/**
 * A minimal integrator agent desktop on its own origin: a page that imports {@code deskframe.js} from the platform,
 * and a backend endpoint that obtains agent tokens with the trusted-backend grant (RFC 7523, an HS256 assertion signed
 * with the client's secret) and hands them to the page, exactly as an integrator's backend would. Every token it
 * issued is recorded so tests can check that none leaks into the console.
 */
final class AgentDesktop implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();

    final int port;
    final List<String> issuedTokens = new CopyOnWriteArrayList<>();
    private volatile String platform;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * Binds at once on a port the system picks (so nothing can take it before the platform, which must know this
     * origin when it starts, is up); {@link #platform(String)} then points the desktop at the platform.
     */
    AgentDesktop() throws IOException {
        server = HttpServer.create(new InetSocketAddress(0), 64);
        this.port = server.getAddress().getPort();
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/desktop", this::page);
        server.createContext("/token", this::token);
        server.start();
    }

    void platform(String base) {
        this.platform = base;
    }

    /** The desktop's origin as the platform knows it (its allowed embedding origin). */
    String origin() {
        return "http://localhost:" + port;
    }

    /** The same desktop on an origin no OAuth client allows. */
    String unlistedOrigin() {
        return "http://127.0.0.1:" + port;
    }

    private void page(HttpExchange ex) throws IOException {
        String html = PAGE.replace("__PLATFORM__", platform);
        respond(ex, 200, "text/html; charset=utf-8", html);
    }

    /**
     * GET /token?agent=agent1&client=demo-backend&scope=... -> {"access_token": ...}; ?fail=1 -> 500; ?platform=URL
     * obtains the token from that URL (a backend configured with another name for the platform), passing the
     * platform's catalogue answer through.
     */
    private void token(HttpExchange ex) throws IOException {
        Map<String, String> q = query(ex.getRequestURI());
        if (q.containsKey("fail")) {
            respond(ex, 500, "application/json", "{\"error\":\"backend unavailable\"}");
            return;
        }
        String platform = q.getOrDefault("platform", this.platform);
        String client = q.getOrDefault("client", "demo-backend");
        String secret = client + Platform.SECRET_SUFFIX;
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", "urn:ietf:params:oauth:grant-type:jwt-bearer");
        form.put("assertion", assertion(client, secret, q.getOrDefault("agent", "agent1"), platform + "/oauth2/token"));
        if (q.get("scope") != null && !q.get("scope").isBlank()) form.put("scope", q.get("scope"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(platform + "/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((client + ":" + secret).getBytes(StandardCharsets.UTF_8)))
                .POST(HttpRequest.BodyPublishers.ofString(form.entrySet().stream()
                        .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                        .collect(Collectors.joining("&"))))
                .build();
        try {
            HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() == 200) {
                String token = JSON.readTree(r.body()).get("access_token").asString();
                issuedTokens.add(token);
                respond(ex, 200, "application/json", JSON.writeValueAsString(Map.of("access_token", token)));
            } else {
                respond(ex, 502, "application/json", r.body());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            respond(ex, 500, "text/plain", "interrupted");
        }
    }

    private static String assertion(String client, String secret, String agent, String audience) {
        try {
            Instant now = Instant.now();
            JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(client).subject(agent).audience(audience)
                    .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(120)))
                    .jwtID(UUID.randomUUID().toString()).build();
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, String> query(URI uri) {
        Map<String, String> q = new LinkedHashMap<>();
        if (uri.getRawQuery() == null) return q;
        for (String pair : uri.getRawQuery().split("&")) {
            int i = pair.indexOf('=');
            String k = URLDecoder.decode(i < 0 ? pair : pair.substring(0, i), StandardCharsets.UTF_8);
            q.put(k, i < 0 ? "" : URLDecoder.decode(pair.substring(i + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    private static void respond(HttpExchange ex, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", type);
        ex.getResponseHeaders().set("Cache-Control", "no-store");
        ex.sendResponseHeaders(status, bytes.length);
        ex.getResponseBody().write(bytes);
        ex.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    /**
     * The integrator's page: the ten lines of docs/embedding.md plus hooks for the tests (window.df, window.events,
     * window.tokenCalls, window.readyMs). Query: agent, client, scope, org, widgets, env (EmbeddingClient's env, default
     * the platform), fail=1 (getAccessToken throws), tokenPlatform (the backend asks that URL for tokens; a refusal is
     * thrown with the platform's code, message and hint), token=malformed|foreign (a token that is not a JWT, or an
     * unsigned one from another issuer: what the client's own pre-checks catch), calls (EmbeddingClient's calls option, JSON).
     */
    private static final String PAGE = """
            <!doctype html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <title>Example agent desktop</title>
            <style>
              body { margin: 0; font: 14px system-ui, sans-serif; background: #eef1f5; color: #1d2330; }
              header h1 { font-size: 1em; margin: 0; }
              header { padding: 10px 16px; background: #1d2330; color: #fff; display: flex; justify-content: space-between; }
              #widgets { display: grid; grid-template-columns: 2fr 1fr; grid-template-rows: 1fr 1fr; gap: 12px; padding: 12px;
                         height: calc(100vh - 64px); box-sizing: border-box; }
              #widgets > div { background: #fff; border-radius: 8px; box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }
              #messaging { grid-row: 1 / 3; }
              .deskframe-widget { height: 100%; }
            </style>
            </head>
            <body>
            <header><h1>Acme Support — agent desktop</h1><span id="who"></span></header>
            <div id="widgets"><div id="messaging"></div><div id="voice"></div><div id="video"></div><div id="supervisor"></div></div>
            <script type="module">
              const q = new URLSearchParams(location.search);
              const agent = q.get('agent') || 'agent1';
              document.getElementById('who').textContent = agent;
              window.events = [];
              window.tokenCalls = 0;
              const {EmbeddingClient} = await import('__PLATFORM__/embed/v1/deskframe.js');
              const tokenUrl = '/token?' + new URLSearchParams({agent, client: q.get('client') || 'demo-backend',
                scope: q.get('scope') || '', ...(q.get('tokenPlatform') ? {platform: q.get('tokenPlatform')} : {})});
              const b64 = o => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/[+]/g, '-').replace(/[/]/g, '_');
              window.t0 = performance.now();
              window.df = new EmbeddingClient({
                orgId: q.get('org') || 'demo',
                env: q.get('env') || '__PLATFORM__',
                widgets: (q.get('widgets') || 'messaging,voice,video').split(','),
                container: {messaging: '#messaging', voice: '#voice', video: '#video', supervisor: '#supervisor'},
                debug: true,
                calls: q.get('calls') ? JSON.parse(q.get('calls')) : undefined,
                getAccessToken: async () => {
                  window.tokenCalls++;
                  if (q.get('fail') === '1') throw new Error('the desktop backend answered 500');
                  if (q.get('token') === 'malformed') return 'not-a-jwt';
                  if (q.get('token') === 'foreign') {
                    return b64({alg: 'none'}) + '.' + b64({iss: 'https://deskframe.other-region.example', org: 'demo',
                      client_id: 'demo-backend', exp: Math.floor(Date.now() / 1000) + 600}) + '.c2ln';
                  }
                  const r = await fetch(tokenUrl);
                  if (!r.ok) {
                    const body = await r.json().catch(() => ({}));
                    throw Object.assign(new Error(body.message || 'token endpoint answered ' + r.status),
                      {code: body.code || body.error, hint: body.hint});
                  }
                  return (await r.json()).access_token;
                },
                onEvent: e => {
                  window.events.push(e);
                  if (e.type === 'ready' && e.widget === 'messaging') window.readyMs = performance.now() - window.t0;
                },
              });
              window.df.ready.then(s => { window.readyStatus = s; }, e => { window.readyError = {code: e.code, message: e.message}; });
            </script>
            </body>
            </html>
            """;
}
