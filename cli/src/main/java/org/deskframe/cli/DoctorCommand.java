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
                "With --deployment ID --origin URL it checks a customer messenger integration instead: the deployment, its"
                + " origin, a guest session (a probe: no conversation is opened) and a real messenger handshake.",
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

    @Option(names = "--deployment", paramLabel = "ID",
            description = "Check the customer messenger of this messenger deployment (with --origin: the customer site's origin); no --token needed.")
    String deployment;

    @Option(names = "--customer-token", paramLabel = "JWT", defaultValue = "${env:DESKFRAME_CUSTOMER_TOKEN}",
            description = "With --deployment: a customer token your backend signed, checked as the messenger would send it (it is used up).")
    String customerToken;

    @Option(names = "--org", paramLabel = "ID", description = "The organisation the page passes as orgId.")
    String org;

    @Option(names = "--widgets", split = ",", paramLabel = "WIDGET", defaultValue = "messaging,voice,video",
            description = "Widgets to check (default: ${DEFAULT-VALUE}).")
    List<String> widgets;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Per request (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--ascii", description = "Mark results with [ok]/[FAIL] instead of ✓/✗.")
    boolean ascii;

    /** What the deployment's embed discovery announced: gateway, region, its names, and which widgets it can start. */
    private record Announced(String gateway, String region, List<String> origins, Map<String, String> notEnabled,
                             boolean envRefused) {}

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        if (deployment != null) return messenger(out);
        if (token == null || token.isBlank()) {
            spec.commandLine().getErr().println("Missing --token (or env DESKFRAME_TOKEN): the agent access token to check.");
            return 2;
        }
        // The same rule as EmbeddingClient's env option: a host alone is https (http for localhost and 127.0.0.1).
        String base = EnvName.origin(env).orElse(null);
        if (base == null) {
            spec.commandLine().getErr().println("--env '" + env + "' is not the deployment's base URL: give an http(s) URL"
                    + " or a host, e.g. https://deskframe.example.com or localhost:8080.");
            return 2;
        }
        List<String> wanted = widgets.stream().map(String::trim).filter(w -> !w.isEmpty()).distinct().toList();
        PlatformHttp http = new PlatformHttp(base, Duration.ofSeconds(timeoutSeconds));
        Checklist list = new Checklist();
        out.println("Deskframe doctor: env " + base + (base.equals(env.trim()) ? "" : " (from '" + env.trim() + "')")
                + ", widgets " + String.join(", ", wanted)
                + (origin != null ? ", origin " + origin : "") + (org != null ? ", org " + org : ""));

        Section discovery = list.section("Discovery");
        String issuer;
        Announced announced;
        try {
            issuer = discover(http, discovery, base);
            if (issuer == null) {
                return finish(out, list, EXIT_PROBLEMS, "Result: " + base + " is not a Deskframe deployment; nothing else was checked.");
            }
            announced = announced(http, discovery, base, issuer);
        } catch (PlatformHttp.Unreachable e) {
            Checklist.fail(discovery, "env " + base + " is unreachable", unreachable(base, e));
            return finish(out, list, EXIT_UNREACHABLE, "Result: cannot reach " + base + "; nothing else was checked.");
        }

        if (announced.gateway() == null) {
            return finish(out, list, EXIT_PROBLEMS, "Result: none of " + wanted.size() + " widget(s) can start: " + base
                    + " announces no gateway (env.not_deskframe above).");
        }
        Section tokenSection = list.section("Token");
        if (!tokenFromThisDeployment(http, tokenSection, issuer, announced)) {
            list.section("Widget checks (GET /api/v2/authorize)").checks().add(skipped());
            list.section("Gateway handshake").checks().add(skipped());
            return finish(out, list, EXIT_PROBLEMS, "Result: none of " + wanted.size() + " widget(s) can start: the token"
                    + " is for another deployment (token.wrong_region above).");
        }

        // The deployment's own verdict on each widget: a widget it cannot start shows a notice, not an error.
        List<String> enabled = wanted.stream().filter(w -> !announced.notEnabled().containsKey(w)).toList();
        List<String> notEnabled = wanted.stream().filter(w -> announced.notEnabled().containsKey(w)).toList();
        java.net.URI stream = java.net.URI.create(announced.gateway());
        try {
            checkToken(http, tokenSection);
            Section widgetChecks = list.section("Widget checks (GET /api/v2/authorize)");
            for (String w : notEnabled) {
                Checklist.info(widgetChecks, w + ": not enabled on this deployment (" + announced.notEnabled().get(w)
                        + ") — its widget shows this notice; nothing to fix, nothing else checked");
            }
            if (!enabled.isEmpty()) checkWidgets(http, widgetChecks, enabled);
        } catch (PlatformHttp.Unreachable e) {
            Checklist.fail(list.section("Connection"), "lost the connection to " + base, unreachable(base, e));
        }
        List<String> cannotStart = new ArrayList<>();
        if (!enabled.isEmpty()) {
            Section handshakes = list.section("Gateway handshake (" + stream + ", no Origin header"
                    + (origin != null ? ", embedOrigin " + origin : "") + ")");
            for (String widget : enabled) {
                if (!handshake(http, handshakes, stream, widget)) cannotStart.add(widget);
            }
        }

        if (wanted.contains("voice") || wanted.contains("video")) {
            try {
                checkIceServers(http, list.section("Calls (GET /api/v2/calls/ice-servers, a real TURN allocation)"));
            } catch (PlatformHttp.Unreachable e) {
                Checklist.fail(list.section("Connection"), "lost the connection to " + base, unreachable(base, e));
            }
        }

        String notes = notEnabled.isEmpty() ? "" : " " + String.join(", ", notEnabled)
                + (notEnabled.size() == 1 ? " is" : " are") + " not enabled on this deployment (the widget shows a notice).";
        String result;
        if (announced.envRefused() && !enabled.isEmpty()) {
            // EmbeddingClient refuses this env before any widget connects, whatever the handshakes above say.
            result = "Result: none of " + enabled.size() + " enabled widget(s) can start with env " + base + ": EmbeddingClient"
                    + " refuses a name the deployment does not announce (env.issuer_mismatch above)." + notes;
        } else if (cannotStart.isEmpty() && !list.anyFailed()) {
            result = enabled.isEmpty() ? "Result: no requested widget is enabled on this deployment." + notes
                    : "Result: " + enabled.size() + " widget(s) can start (" + String.join(", ", enabled) + ")." + notes;
        } else if (cannotStart.isEmpty()) {
            result = "Result: the widgets' handshakes pass, but a check above failed: fix it before embedding." + notes;
        } else {
            result = "Result: " + cannotStart.size() + " of " + enabled.size() + " enabled widget(s) cannot start: "
                    + String.join(", ", cannotStart) + "." + notes;
        }
        return finish(out, list, list.anyFailed() || !cannotStart.isEmpty() ? EXIT_PROBLEMS : EXIT_OK, result);
    }

    /**
     * A messenger integration, from outside, as the snippet on the customer's page runs it: discovery, the deployment
     * and the page's origin, a guest session (a probe: every check, a token, no conversation), a messenger handshake.
     */
    private int messenger(PrintWriter out) {
        String base = EnvName.origin(env).orElse(null);
        if (base == null || origin == null || origin.isBlank()) {
            spec.commandLine().getErr().println(base == null ? "--env '" + env + "' is not the deployment's base URL."
                    : "--deployment needs --origin: the customer site's origin (scheme://host[:port]), e.g. http://localhost:8082.");
            return 2;
        }
        PlatformHttp http = new PlatformHttp(base, Duration.ofSeconds(timeoutSeconds));
        Checklist list = new Checklist();
        out.println("Deskframe doctor: env " + base + ", messenger deployment " + deployment + ", origin " + origin);
        Section discovery = list.section("Discovery");
        Announced announced;
        try {
            String issuer = discover(http, discovery, base);
            if (issuer == null) return finish(out, list, EXIT_PROBLEMS, "Result: " + base + " is not a Deskframe deployment.");
            announced = announced(http, discovery, base, issuer);
            Section d = list.section("Messenger deployment");
            Answer dep = http.json("GET", "/api/v2/guest/deployments/" + PlatformHttp.form(deployment), origin, null, null);
            if (dep.status() != 200) {
                Checklist.fail(d, "deployment " + deployment + " for origin " + origin + " (HTTP " + dep.status() + ")",
                        problem(dep, "/api/v2/guest/deployments/" + deployment));
                return finish(out, list, EXIT_PROBLEMS, "Result: the messenger cannot start on " + origin + ".");
            }
            Checklist.pass(d, "deployment " + deployment + " exists (" + dep.text("name") + ") and allows origin " + origin
                    + (dep.json().path("verifiesCustomers").asBoolean(false) ? "; it verifies customer tokens" : ""));
            Section g = list.section("Guest session (POST /api/v2/guest/sessions, probe: no conversation is opened)");
            Map<String, Object> body = new java.util.LinkedHashMap<>();
            body.put("deployment", deployment);
            body.put("probe", true);
            if (customerToken != null && !customerToken.isBlank()) body.put("customerToken", customerToken);
            Answer session = http.json("POST", "/api/v2/guest/sessions", origin, null, PlatformHttp.JSON.writeValueAsString(body));
            String guestToken = session.status() / 100 == 2 ? session.text("token") : null;
            if (guestToken == null) {
                Checklist.fail(g, "refused (HTTP " + session.status() + ")", problem(session, "/api/v2/guest/sessions"));
                return finish(out, list, EXIT_PROBLEMS, "Result: the messenger cannot start on " + origin + ".");
            }
            JsonNode customer = session.json().path("customer");
            Checklist.pass(g, "guest token issued (expires " + session.text("expiresAt") + ")"
                    + (customer.path("verified").asBoolean(false) ? ", customer verified" + (customer.hasNonNull("name") ? ": " + customer.get("name").asString() : "") : ""));
            if (announced.gateway() == null) return finish(out, list, EXIT_PROBLEMS, "Result: the deployment announces no gateway.");
            java.net.URI stream = java.net.URI.create(announced.gateway());
            Section h = list.section("Messenger handshake (" + stream + ", embedOrigin " + origin + ")");
            GatewayHandshake.Result r = GatewayHandshake.run(http.client(), stream, guestToken, "messenger", origin, null,
                    Duration.ofSeconds(timeoutSeconds));
            if (r.ok()) {
                Checklist.pass(h, "messenger: ready (session " + r.ready().path("session").asString("?") + ")");
            } else if (r.error() != null) {
                JsonNode e = r.error();
                Checklist.fail(h, "messenger: refused" + (r.closeCode() > 0 ? ", close code " + r.closeCode() : ""),
                        new Problem(e.path("code").asString(null), e.path("message").asString(null), e.path("hint").asString(null)));
            } else {
                Checklist.fail(h, "messenger: no handshake", Catalogue.problem("handshake.failed", Map.of("stream", stream, "reason", r.failure())));
            }
        } catch (PlatformHttp.Unreachable e) {
            Checklist.fail(discovery, "env " + base + " is unreachable", unreachable(base, e));
            return finish(out, list, EXIT_UNREACHABLE, "Result: cannot reach " + base + ".");
        }
        return list.anyFailed() ? finish(out, list, EXIT_PROBLEMS, "Result: the messenger cannot start on " + origin + ".")
                : finish(out, list, EXIT_OK, "Result: the messenger of " + deployment + " can start on " + origin + ".");
    }

    private int finish(PrintWriter out, Checklist list, int exit, String result) {
        list.print(out, ascii);
        out.println();
        out.println(result);
        out.flush();
        return exit;
    }

    private static Checklist.Check skipped() {
        return new Checklist.Check(Checklist.Status.SKIP, "skipped: the token is for another deployment", List.of());
    }

    /** Discovery: the metadata answers with an issuer; null (after saying why) when env is not a Deskframe deployment. */
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
        return issuer;
    }

    /**
     * The embed discovery, as widgets read it: the names of the deployment (env must be one of them: the rule
     * EmbeddingClient applies), where the gateway is, and which widgets the deployment can start. An older deployment
     * that announces less is taken as announcing its issuer, its gateway on env's port, and every widget.
     */
    private Announced announced(PlatformHttp http, Section s, String base, String issuer) throws PlatformHttp.Unreachable {
        Answer a = http.get("/embed/v1/env", null);
        JsonNode j = a.status() == 200 ? a.json() : null;
        List<String> origins = new ArrayList<>();
        if (j != null) j.path("origins").forEach(o -> origins.add(o.asString()));
        boolean refused = !EnvName.names(base, issuer, origins);
        if (refused) {
            Checklist.fail(s, "issuer mismatch: env is " + base + " but the deployment's issuer is " + issuer,
                    Catalogue.problem("env.issuer_mismatch", Map.of("env", base, "expectedIssuer", issuer)));
        } else if (EnvName.origin(issuer).orElse(issuer).equals(base)) {
            Checklist.pass(s, "issuer equals env");
        } else {
            Checklist.pass(s, "env " + base + " is another name of this deployment (issuer " + issuer + "): it announces both,"
                    + " and EmbeddingClient accepts either");
        }
        String gateway = j == null ? null : j.path("gateway").asString(null);
        if (gateway != null && gateway.matches("wss?://.+")) {
            Checklist.pass(s, "gateway WebSocket announced at " + gateway);
        } else {
            // Every Deskframe announces its gateway (widgets find it only that way): without it there is nothing to try.
            gateway = null;
            Checklist.fail(s, "GET " + base + "/embed/v1/env announces no gateway URL", Catalogue.problem("env.not_deskframe",
                    Map.of("env", base, "reason", "GET /embed/v1/env announced no gateway WebSocket URL")));
        }
        Map<String, String> notEnabled = new java.util.LinkedHashMap<>();
        if (j != null) {
            for (var w : j.path("widgets").properties()) {
                if (!w.getValue().path("enabled").asBoolean(true)) notEnabled.put(w.getKey(), w.getValue().path("notice").asString(""));
            }
        }
        return new Announced(gateway, j == null ? null : j.path("region").asString(null), List.copyOf(origins), notEnabled, refused);
    }

    /**
     * The token's issuer (read without verifying) against the deployment's: a token of another deployment is named
     * once, with the catalogue's words, and nothing else is asked of a server that would only say the same again.
     */
    private boolean tokenFromThisDeployment(PlatformHttp http, Section s, String issuer, Announced announced) {
        JsonNode claims = unverifiedClaims(token);
        if (claims == null) {
            Checklist.info(s, "the token is not a readable JWT (the server's answer below says why)");
            return true;
        }
        if (!claims.hasNonNull("iss") || DeskframeCli.stripSlash(claims.get("iss").asString()).equals(DeskframeCli.stripSlash(issuer))) {
            return true;
        }
        String tokenIssuer = claims.get("iss").asString();
        Checklist.fail(s, "issuer mismatch: the token was issued by " + tokenIssuer + ", but this deployment is " + issuer,
                Catalogue.problem("token.wrong_region", Map.of("tokenIssuer", tokenIssuer,
                        "region", announced.region() != null ? announced.region() : "region unknown", "expectedIssuer", issuer)));
        return false;
    }

    private void checkToken(PlatformHttp http, Section s) throws PlatformHttp.Unreachable {
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
            Checklist.fail(s, "token refused by GET /api/v2/tokens/me (HTTP " + me.status() + ")", problem(me, "/api/v2/tokens/me"));
        }
    }

    /**
     * The ICE servers the token gets, and for each UDP TURN server a real allocation with the credentials the platform
     * issued: what a browser's ICE agent will try first, so a secret that differs from the TURN server's is named here.
     */
    private void checkIceServers(PlatformHttp http, Section s) throws PlatformHttp.Unreachable {
        Answer ice = http.get("/api/v2/calls/ice-servers", token);
        if (ice.status() == 403 && ice.json() != null && "token.scope_missing".equals(ice.json().path("code").asString(null))) {
            Checklist.info(s, "not checked: the token has neither voice nor video (see the widget checks above)");
            return;
        }
        if (ice.status() != 200 || ice.json() == null) {
            Checklist.fail(s, "GET /api/v2/calls/ice-servers answered HTTP " + ice.status(), problem(ice, "/api/v2/calls/ice-servers"));
            return;
        }
        JsonNode body = ice.json();
        if (!body.path("turn").asBoolean(false)) {
            Checklist.info(s, "no TURN server configured: calls connect only where the browsers find a direct path"
                    + " (deskframe.calls.turn-urls, docs/calls.md)");
        }
        for (JsonNode server : body.path("iceServers")) {
            String username = server.path("username").asString(null);
            for (JsonNode u : server.path("urls")) {
                String url = u.asString();
                if (username == null) {
                    Checklist.info(s, url + ": STUN, handed to the browsers as it is");
                } else if (!TurnProbe.probes(url)) {
                    Checklist.info(s, url + ": not probed (doctor allocates over UDP only)");
                } else {
                    TurnProbe.Outcome outcome = TurnProbe.allocate(url, username, server.path("credential").asString(""),
                            Duration.ofSeconds(timeoutSeconds));
                    switch (outcome) {
                        case TurnProbe.Outcome.Allocated a -> Checklist.pass(s, url + ": allocation granted with the platform's"
                                + " credentials (user " + username + (a.relayed() == null ? "" : ", relayed address " + a.relayed()) + ")");
                        case TurnProbe.Outcome.Refused r -> Checklist.fail(s, url + ": allocation refused",
                                Catalogue.problem("call.turn_auth_failed", Map.of("turn", url, "turnError", r.errorCode(),
                                        "reason", r.reason() == null ? "no reason given" : r.reason())));
                        case TurnProbe.Outcome.Unreachable r -> Checklist.fail(s, url + ": no answer",
                                Catalogue.problem("call.turn_unreachable", Map.of("turn", url, "reason", r.reason())));
                    }
                }
            }
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
            Checklist.fail(s, "the widget checks could not run (HTTP " + a.status() + ")", problem(a, "/api/v2/authorize"));
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

    /**
     * The server's catalogue problem from an answer; an answer without one (a proxy's page, another site) is
     * {@code env.not_deskframe}, naming what answered, never a code outside the catalogue.
     */
    private Problem problem(Answer a, String path) {
        if (a.json() != null && (a.text("code") != null || a.text("error") != null)) {
            String message = a.text("message") != null ? a.text("message") : a.text("error_description");
            return new Problem(a.text("code") != null ? a.text("code") : a.text("error"), message, a.text("hint"));
        }
        return Catalogue.problem("env.not_deskframe", Map.of("env", DeskframeCli.stripSlash(EnvName.origin(env).orElse(env)),
                "reason", "GET " + path + " answered HTTP " + a.status() + (a.json() == null ? " without JSON" : " without a catalogue code")));
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
