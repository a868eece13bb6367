package org.deskframe.cli;

import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.deskframe.cli.Checklist.Problem;
import org.deskframe.cli.Checklist.Section;
import org.deskframe.cli.PlatformHttp.Answer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;

/**
 * {@code deskframe doctor}: discovery, the token check, the origin and per-widget checks, and a real gateway handshake
 * per widget, printed as a checklist. Exit code 0 only when every requested widget can start.
 */
@Command(name = "doctor", mixinStandardHelpOptions = true,
        description = {"Checks everything a widget needs to start, from outside: discovery, the token, the embedding origin,"
                + " and a real handshake per widget over the gateway WebSocket.",
                "Exit codes: 0 every widget can start, 1 a check failed, 2 usage error, 3 the env is unreachable."})
final class DoctorCommand implements Callable<Integer> {

    static final int EXIT_OK = 0;
    static final int EXIT_PROBLEMS = 1;
    static final int EXIT_UNREACHABLE = 3;

    @Spec
    CommandSpec spec;

    @Option(names = "--env", required = true, paramLabel = "URL",
            description = "The deployment's base URL, exactly as the token's issuer (e.g. http://localhost:8080).")
    String env;

    @Option(names = "--token", paramLabel = "TOKEN", defaultValue = "${env:DESKFRAME_TOKEN}",
            description = "The agent access token to check (default: env DESKFRAME_TOKEN). It is never printed.")
    String token;

    @Option(names = "--origin", paramLabel = "URL",
            description = "The origin of the page that embeds the widgets (scheme://host[:port]), e.g. http://localhost:8081.")
    String origin;

    @Option(names = "--org", paramLabel = "ID", description = "The organisation the page passes as orgId.")
    String org;

    @Option(names = "--widgets", split = ",", paramLabel = "WIDGET", defaultValue = "messaging,voice,video",
            description = "Widgets to check (default: ${DEFAULT-VALUE}).")
    List<String> widgets;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Per request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--ascii", description = "Mark results with [ok]/[FAIL] instead of ✓/✗.")
    boolean ascii;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (token == null || token.isBlank()) {
            spec.commandLine().getErr().println("Missing --token (or env DESKFRAME_TOKEN): the agent access token to check.");
            return 2;
        }
        String base = DeskframeCli.stripSlash(env);
        List<String> wanted = widgets.stream().map(String::trim).filter(w -> !w.isEmpty()).distinct().toList();
        PlatformHttp http = new PlatformHttp(base, Duration.ofSeconds(timeoutSeconds));
        Checklist list = new Checklist();
        out.println("Deskframe doctor: env " + base + ", widgets " + String.join(", ", wanted)
                + (origin != null ? ", origin " + origin : "") + (org != null ? ", org " + org : ""));

        Section discovery = list.section("Discovery");
        String issuer;
        try {
            issuer = discover(http, discovery, base);
        } catch (PlatformHttp.Unreachable e) {
            Checklist.fail(discovery, "env " + base + " is unreachable", unreachable(base, e));
            list.print(out, ascii);
            out.println();
            out.println("Result: cannot reach " + base + "; nothing else was checked.");
            out.flush();
            return EXIT_UNREACHABLE;
        }

        java.net.URI stream = gateway(http, discovery, base);
        try {
            checkToken(http, list.section("Token"), issuer);
            checkWidgets(http, list.section("Widget checks (GET /api/v2/authorize)"), wanted);
        } catch (PlatformHttp.Unreachable e) {
            Checklist.fail(list.section("Connection"), "lost the connection to " + base, unreachable(base, e));
        }
        Section handshakes = list.section("Gateway handshake (" + stream + ", no Origin header"
                + (origin != null ? ", embedOrigin " + origin : "") + ")");
        List<String> cannotStart = new ArrayList<>();
        for (String widget : wanted) {
            if (!handshake(http, handshakes, stream, widget)) cannotStart.add(widget);
        }

        list.print(out, ascii);
        out.println();
        if (cannotStart.isEmpty() && !list.anyFailed()) {
            out.println("Result: all " + wanted.size() + " widget(s) can start (" + String.join(", ", wanted) + ").");
        } else if (cannotStart.isEmpty()) {
            out.println("Result: the widgets' handshakes pass, but a check above failed: fix it before embedding.");
        } else {
            out.println("Result: " + cannotStart.size() + " of " + wanted.size() + " widget(s) cannot start: "
                    + String.join(", ", cannotStart) + ".");
        }
        out.flush();
        return list.anyFailed() || !cannotStart.isEmpty() ? EXIT_PROBLEMS : EXIT_OK;
    }

    /** Discovery: the metadata answers, and its issuer is the env (EmbeddingClient and tokens compare them exactly). */
    private String discover(PlatformHttp http, Section s, String base) throws PlatformHttp.Unreachable {
        String path = "/.well-known/oauth-authorization-server";
        Answer meta = http.get(path, null);
        String issuer = meta.text("issuer");
        if (meta.status() != 200 || issuer == null) {
            Checklist.fail(s, base + path + " answers HTTP " + meta.status() + " without authorization-server metadata",
                    Catalogue.problem("env.not_deskframe", Map.of("env", base, "reason", "GET " + path + " answered HTTP "
                            + meta.status() + (meta.json() == null ? " without JSON" : " without an issuer"))));
            return null;
        }
        Checklist.pass(s, base + path + " answers (issuer " + issuer + ", token endpoint " + meta.text("token_endpoint") + ")");
        if (DeskframeCli.stripSlash(issuer).equals(base)) {
            Checklist.pass(s, "issuer equals env");
        } else {
            Checklist.fail(s, "issuer mismatch: env is " + base + " but the deployment's issuer is " + issuer,
                    Catalogue.problem("env.issuer_mismatch", Map.of("env", base, "expectedIssuer", issuer)));
        }
        return issuer;
    }

    /**
     * The gateway's WebSocket URL, as the deployment announces it to widgets (it listens on a port of its own); an
     * older deployment that announces only a path has it on env's own port.
     */
    private java.net.URI gateway(PlatformHttp http, Section s, String base) {
        try {
            String announced = http.get("/embed/v1/env", null).text("gateway");
            if (announced != null && announced.matches("wss?://.+")) {
                Checklist.pass(s, "gateway WebSocket announced at " + announced);
                return java.net.URI.create(announced);
            }
        } catch (PlatformHttp.Unreachable | IllegalArgumentException e) {
            // falls back below; the handshake itself reports what is wrong
        }
        java.net.URI fallback = GatewayHandshake.streamUri(base);
        Checklist.info(s, "the deployment does not announce its gateway URL (GET /embed/v1/env); trying " + fallback);
        return fallback;
    }

    private void checkToken(PlatformHttp http, Section s, String issuer) throws PlatformHttp.Unreachable {
        JsonNode claims = unverifiedClaims(token);
        if (claims == null) {
            Checklist.info(s, "the token is not a readable JWT (the server's answer below says why)");
        } else if (issuer != null && claims.hasNonNull("iss") && !DeskframeCli.stripSlash(claims.get("iss").asString())
                .equals(DeskframeCli.stripSlash(issuer))) {
            String tokenIssuer = claims.get("iss").asString();
            // The server's own check, done before it: the same code, message and fix the gateway will send.
            String region = http.get("/embed/v1/env", null).text("region");
            Checklist.fail(s, "issuer mismatch: the token was issued by " + tokenIssuer + ", but env " + env + " is " + issuer,
                    Catalogue.problem("token.wrong_region", Map.of("tokenIssuer", tokenIssuer,
                            "region", region != null ? region : "region unknown", "expectedIssuer", issuer)));
        }
        Answer me = http.get("/api/v2/tokens/me", token);
        if (me.status() == 200 && me.json() != null) {
            JsonNode j = me.json();
            String agent = j.path("agent").path("username").asString(null);
            String orgId = j.path("org").path("id").asString(null);
            String client = j.path("client").path("id").asString(null);
            boolean embed = j.path("client").path("embed").asBoolean(false);
            List<String> scopes = new ArrayList<>();
            j.path("scopes").forEach(n -> scopes.add(n.asString()));
            Checklist.pass(s, "token accepted: agent " + (agent == null ? "(none: a client's own token)" : agent) + ", org " + orgId
                    + ", OAuth client " + client + (embed ? " (embed capability)" : " (no embed capability)") + ", scopes "
                    + (scopes.isEmpty() ? "(none)" : String.join(" ", scopes)) + ", expires in " + j.path("expiresInSeconds").asLong() + " s");
        } else {
            Checklist.fail(s, "token refused by GET /api/v2/tokens/me (HTTP " + me.status() + ")", problem(me));
        }
    }

    private void checkWidgets(PlatformHttp http, Section s, List<String> wanted) throws PlatformHttp.Unreachable {
        if (origin == null) {
            Checklist.info(s, "no --origin: the embedding origin is not checked (pass the desktop page's origin, e.g. http://localhost:8081)");
        }
        StringBuilder q = new StringBuilder("/api/v2/authorize?widgets=").append(PlatformHttp.form(String.join(",", wanted)));
        if (origin != null) q.append("&origin=").append(PlatformHttp.form(origin));
        if (org != null) q.append("&org=").append(PlatformHttp.form(org));
        Answer a = http.get(q.toString(), token);
        if (a.status() != 200 || a.json() == null) {
            Checklist.fail(s, "the widget checks could not run (HTTP " + a.status() + ")", problem(a));
            return;
        }
        for (String widget : wanted) {
            JsonNode w = a.json().path("widgets").path(widget);
            List<String> required = new ArrayList<>();
            w.path("requiredScopes").forEach(n -> required.add(n.asString()));
            if (w.path("ready").asBoolean(false)) {
                Checklist.pass(s, widget + ": token, client" + (origin != null ? ", origin" : "") + (org != null ? ", org" : "")
                        + " checks pass (needs " + String.join(" ", required) + ")");
            } else {
                List<Problem> problems = new ArrayList<>();
                w.path("problems").forEach(p -> problems.add(new Problem(p.path("code").asString(null),
                        p.path("message").asString(null), p.path("hint").asString(null))));
                Checklist.fail(s, widget + ": " + problems.size() + " problem(s)", problems);
            }
        }
    }

    private boolean handshake(PlatformHttp http, Section s, java.net.URI stream, String widget) {
        GatewayHandshake.Result r = GatewayHandshake.run(http.client(), stream, token, widget, origin, org,
                Duration.ofSeconds(timeoutSeconds));
        if (r.ok()) {
            JsonNode ready = r.ready();
            Checklist.pass(s, widget + ": ready (session " + ready.path("session").asString("?") + ", agent "
                    + ready.path("agent").path("username").asString("?") + ", heartbeat " + ready.path("heartbeatSeconds").asLong()
                    + " s)");
            return true;
        }
        if (r.error() != null) {
            JsonNode e = r.error();
            Checklist.fail(s, widget + ": refused" + (r.closeCode() > 0 ? ", close code " + r.closeCode() : "")
                            + (e.hasNonNull("action") ? ", client action " + e.get("action").asString() : ""),
                    new Problem(e.path("code").asString(null), e.path("message").asString(null), e.path("hint").asString(null)));
        } else {
            Checklist.fail(s, widget + ": no handshake", Catalogue.problem("handshake.failed",
                    Map.of("stream", stream, "reason", r.failure())));
        }
        return false;
    }

    private static Problem unreachable(String base, PlatformHttp.Unreachable e) {
        return Catalogue.problem("env.unreachable", Map.of("env", base, "reason", e.reason()));
    }

    private static Problem problem(Answer a) {
        if (a.json() != null && (a.text("code") != null || a.text("error") != null)) {
            String message = a.text("message") != null ? a.text("message") : a.text("error_description");
            return new Problem(a.text("code") != null ? a.text("code") : a.text("error"), message, a.text("hint"));
        }
        String body = a.body() == null ? "" : a.body().strip();
        return new Problem("http." + a.status(), body.length() > 200 ? body.substring(0, 200) + "..." : body, null);
    }

    /** The token's claims without verifying it, to compare its issuer with the env before the server does. */
    static JsonNode unverifiedClaims(String jwt) {
        String[] parts = jwt.trim().split("\\.");
        if (parts.length != 3) return null;
        try {
            return PlatformHttp.parse(new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
