package org.deskframe.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Map;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code deskframe doctor} and {@code deskframe admin} against real platforms (two, for the wrong-env case). */
class DoctorIntegrationTests {

    static final String ALL_WIDGET_SCOPES = "messaging:read messaging:write voice video";
    static final String ADMIN_SECRET = "doctor-test-admin-secret-0123456789abcdef";
    static ServerInstance platform;
    static ServerInstance otherPlatform;

    record Run(int exitCode, String out, String err) {
        String all() {
            return out + err;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        platform = new ServerInstance(Files.createTempDirectory("doctor-it"), Map.of(
                "deskframe.identity.bootstrap-admin-client-id", "deskframe-admin",
                "deskframe.identity.bootstrap-admin-client-secret", ADMIN_SECRET)).start();
        otherPlatform = new ServerInstance(Files.createTempDirectory("doctor-it-other"), Map.of()).start();
    }

    @AfterAll
    static void stop() {
        if (platform != null) platform.close();
        if (otherPlatform != null) otherPlatform.close();
    }

    static Run deskframe(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = DeskframeCli.commandLine(new PrintWriter(out), new PrintWriter(err)).execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    static String token(String scopes) {
        return platform.http().agentToken("demo-backend", "agent1", scopes);
    }

    @Test
    void whenEverythingIsRightThenEveryWidgetIsReadyAndTheExitCodeIsZero() {
        String token = token(ALL_WIDGET_SCOPES);
        Run run = deskframe("doctor", "--env", platform.base(), "--token", token, "--origin", "http://localhost:8081", "--org", "demo");
        assertThat(run.exitCode()).as(run.all()).isZero();
        String stream = "ws://localhost:" + platform.gatewayPort() + "/api/v2/stream";
        assertThat(run.out())
                .contains("✓ issuer equals env")
                .contains("✓ gateway WebSocket announced at " + stream)
                .contains("Gateway handshake (" + stream + ", no Origin header")
                .contains("✓ token accepted: agent agent1, org demo, OAuth client demo-backend (embed capability)")
                .contains("✓ messaging: ready (session s_")
                // Voice and video are enabled (issue 12): their handshakes are made like messaging's.
                .contains("✓ voice: ready (session s_")
                .contains("✓ video: ready (session s_")
                .doesNotContain("not enabled on this deployment")
                .contains("Result: 3 widget(s) can start (messaging, voice, video).")
                .doesNotContain("✗")
                .doesNotContain(token);
    }

    @Test
    void whenTheTokenLacksMessagingWriteThenTheCodeTheScopeAndTheFixAreNamed() {
        String token = token("messaging:read voice video");
        Run run = deskframe("doctor", "--env", platform.base(), "--token", token, "--origin", "http://localhost:8081");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
        assertThat(run.out())
                .contains("✗ messaging: refused, close code 4305")
                .contains("token.scope_missing: The token lacks scope messaging:write")
                .contains("fix: Request messaging:write when obtaining the token (your backend asked for: messaging:read video voice);"
                        + " OAuth client demo-backend already allows it.")
                // Said once, in full; the handshake that says the same again is named, not repeated.
                .contains("token.scope_missing (as above)")
                // voice and video need only their own scopes: they can start beside the failing messaging widget.
                .contains("✓ voice: ready (session s_")
                .contains("✓ video: ready (session s_")
                .contains("Result: 1 of 3 enabled widget(s) cannot start: messaging.")
                .doesNotContain(token);
        assertThat(run.out().split("The token lacks scope messaging:write", -1)).hasSize(2);
    }

    @Test
    void whenTheOriginIsForeignThenOriginNotAllowed() {
        Run run = deskframe("doctor", "--env", platform.base(), "--token", token(ALL_WIDGET_SCOPES), "--origin", "https://evil.example",
                "--widgets", "messaging", "--ascii");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
        assertThat(run.out()).contains("[FAIL] messaging: refused, close code 4308")
                .contains("origin.not_allowed: The page origin 'https://evil.example' is not allowed")
                .contains("fix: Add 'https://evil.example'")
                .contains("Result: 1 of 1 enabled widget(s) cannot start: messaging.");
    }

    @Test
    void whenTheEnvIsAnotherDeploymentThenTheIssuerMismatchIsNamed() {
        Run run = deskframe("doctor", "--env", otherPlatform.base(), "--token", token(ALL_WIDGET_SCOPES), "--widgets", "messaging");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
        assertThat(run.out())
                .contains("✓ issuer equals env")
                .contains("✗ issuer mismatch: the token was issued by " + platform.base() + ", but this deployment is "
                        + otherPlatform.base())
                .contains("token.wrong_region: The token was issued by '" + platform.base() + "', but this deployment (")
                .contains("fix: Connect to the deployment that issued the token (env '" + platform.base() + "')")
                .contains("- skipped: the token is for another deployment")
                .contains("Result: none of 1 widget(s) can start: the token is for another deployment (token.wrong_region above).");
        // Once, not once per step.
        assertThat(run.out().split("The token was issued by", -1)).hasSize(2);
    }

    @Test
    void theLoopbackTwinOfTheIssuerIsAcceptedAsTheWidgetsAcceptIt() {
        String twin = platform.base().replace("localhost", "127.0.0.1");
        Run run = deskframe("doctor", "--env", twin, "--token", token(ALL_WIDGET_SCOPES), "--widgets", "messaging");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("✓ env " + twin + " is another name of this deployment (issuer " + platform.base() + ")")
                .contains("✓ messaging: ready").doesNotContain("✗");
    }

    @Test
    void whenTheEnvIsANameTheDeploymentDoesNotAnnounceThenTheMismatchIsNamed() {
        String otherName = platform.base().replace("localhost", "127.0.0.2");
        Run run = deskframe("doctor", "--env", otherName, "--token", token(ALL_WIDGET_SCOPES), "--widgets", "messaging");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
        assertThat(run.out()).contains("✗ issuer mismatch: env is " + otherName + " but the deployment's issuer is " + platform.base())
                .contains("env.issuer_mismatch: The deployment at '" + otherName + "' calls itself '" + platform.base() + "'")
                .contains("fix: Use '" + platform.base() + "' as env")
                .contains("Result: none of 1 enabled widget(s) can start with env " + otherName + ": EmbeddingClient refuses"
                        + " a name the deployment does not announce (env.issuer_mismatch above).");
    }

    @Test
    void anEnvWithoutSchemeIsReadAsEmbeddingClientReadsIt() {
        String hostAndPort = platform.base().replace("http://", "");
        Run run = deskframe("doctor", "--env", hostAndPort, "--token", token(ALL_WIDGET_SCOPES), "--widgets", "messaging");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).startsWith("Deskframe doctor: env " + platform.base() + " (from '" + hostAndPort + "')")
                .contains("✓ issuer equals env").contains("✓ messaging: ready").doesNotContain("\tat ");
        Run bad = deskframe("doctor", "--env", "ftp://x.example", "--token", "x.y.z");
        assertThat(bad.exitCode()).isEqualTo(2);
        assertThat(bad.err()).contains("--env 'ftp://x.example' is not the deployment's base URL").doesNotContain("\tat ");
    }

    @Test
    void whenTheEnvIsUnreachableThenTheMessageSaysSoWithoutAStackTrace() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        Run run = deskframe("doctor", "--env", "http://127.0.0.1:" + deadPort, "--token", "x.y.z", "--timeout", "3");
        assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_UNREACHABLE);
        assertThat(run.out()).contains("✗ env http://127.0.0.1:" + deadPort + " is unreachable")
                .contains("env.unreachable: The Deskframe deployment at 'http://127.0.0.1:" + deadPort
                        + "' did not answer (connection refused: nothing listens there).")
                .contains("fix: Check env (EmbeddingClient's env option, doctor's --env")
                .contains("Result: cannot reach http://127.0.0.1:" + deadPort)
                .doesNotContain("\tat ");
    }

    @Test
    void whenTheEnvIsNotDeskframeThenEnvNotDeskframeIsNamed() throws Exception {
        HttpServer other = fakeServer(false);
        try {
            String base = "http://127.0.0.1:" + other.getAddress().getPort();
            Run run = deskframe("doctor", "--env", base, "--token", "x.y.z", "--widgets", "messaging", "--timeout", "3");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
            assertThat(run.out()).contains("env.not_deskframe: '" + base + "' answers, but not as a Deskframe deployment"
                    + " (GET /.well-known/oauth-authorization-server answered HTTP 404 without JSON).")
                    .contains("fix: Set env (EmbeddingClient's env option, doctor's --env) to the Deskframe deployment's base URL")
                    .contains("Result: " + base + " is not a Deskframe deployment; nothing else was checked.")
                    .doesNotContain("http.404").doesNotContain("Token");
        } finally {
            other.stop(0);
        }
    }

    @Test
    void whenTheDeploymentAnnouncesNoGatewayThenEnvNotDeskframeIsNamedAndNothingIsTried() throws Exception {
        HttpServer noGateway = fakeServer(true, null);
        try {
            String base = "http://127.0.0.1:" + noGateway.getAddress().getPort();
            Run run = deskframe("doctor", "--env", base, "--token", "x.y.z", "--widgets", "messaging", "--timeout", "3");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
            assertThat(run.out()).contains("✓ issuer equals env")
                    .contains("GET " + base + "/embed/v1/env announces no gateway URL")
                    .contains("env.not_deskframe: '" + base + "' answers, but not as a Deskframe deployment (GET /embed/v1/env"
                            + " announced no gateway WebSocket URL).")
                    .contains("Result: none of 1 widget(s) can start: " + base + " announces no gateway")
                    .doesNotContain("handshake.failed").doesNotContain("http.404");
        } finally {
            noGateway.stop(0);
        }
    }

    @Test
    void whenTheAnnouncedGatewayCannotBeOpenedThenHandshakeFailedIsNamed() throws Exception {
        int deadPort;
        try (java.net.ServerSocket probe = new java.net.ServerSocket(0)) {
            deadPort = probe.getLocalPort();
        }
        String gateway = "ws://127.0.0.1:" + deadPort + "/api/v2/stream";
        HttpServer noGateway = fakeServer(true, gateway);
        try {
            String base = "http://127.0.0.1:" + noGateway.getAddress().getPort();
            Run run = deskframe("doctor", "--env", base, "--token", "x.y.z", "--widgets", "messaging", "--timeout", "3");
            assertThat(run.exitCode()).as(run.all()).isEqualTo(DoctorCommand.EXIT_PROBLEMS);
            assertThat(run.out()).contains("✓ issuer equals env")
                    .contains("gateway WebSocket announced at " + gateway)
                    .contains("handshake.failed: The gateway WebSocket " + gateway
                            + " could not be opened or did not answer (the connection failed: ")
                    .contains("fix: Check that " + gateway + " is reachable")
                    .contains("env.not_deskframe: '" + base + "' answers, but not as a Deskframe deployment (GET /api/v2/tokens/me"
                            + " answered HTTP 404 without JSON).")
                    .doesNotContain("http.404");
        } finally {
            noGateway.stop(0);
        }
    }

    /** A server that answers 404 to everything, except (with {@code metadata}) the discovery, naming itself. */
    private static HttpServer fakeServer(boolean metadata) throws IOException {
        return fakeServer(metadata, null);
    }

    /** {@link #fakeServer(boolean)} whose embed discovery, when {@code gateway} is set, announces that gateway. */
    private static HttpServer fakeServer(boolean metadata, String gateway) throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            String base = "http://127.0.0.1:" + server.getAddress().getPort();
            byte[] body = "{\"issuer\":\"%s\",\"token_endpoint\":\"%s/oauth2/token\"}".formatted(base, base)
                    .getBytes(StandardCharsets.UTF_8);
            if (metadata && exchange.getRequestURI().getPath().equals("/.well-known/oauth-authorization-server")) {
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, body.length);
                exchange.getResponseBody().write(body);
            } else if (gateway != null && exchange.getRequestURI().getPath().equals("/embed/v1/env")) {
                byte[] env = "{\"issuer\":\"%s\",\"origins\":[\"%s\"],\"gateway\":\"%s\"}".formatted(base, base, gateway)
                        .getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(200, env.length);
                exchange.getResponseBody().write(env);
            } else {
                exchange.sendResponseHeaders(404, -1);
            }
            exchange.close();
        });
        server.start();
        return server;
    }

    @Test
    void tokenPrintsAnAgentsAccessTokenThatTheDoctorAccepts() {
        Run token = deskframe("token", "--env", platform.base(), "--client-id", "demo-backend", "--client-secret",
                "demo-backend" + TestClient.DEMO_SECRET_SUFFIX, "--agent", "agent1");
        assertThat(token.exitCode()).as(token.all()).isZero();
        String value = token.out().strip();
        assertThat(value.split("\\.")).hasSize(3);
        Run run = deskframe("doctor", "--env", platform.base(), "--token", value, "--widgets", "messaging");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("✓ token accepted: agent agent1, org demo, OAuth client demo-backend");

        Run refused = deskframe("token", "--env", platform.base(), "--client-id", "demo-backend", "--client-secret",
                "demo-backend" + TestClient.DEMO_SECRET_SUFFIX, "--agent", "acme-agent1");
        assertThat(refused.exitCode()).isEqualTo(1);
        assertThat(refused.out()).isEmpty();
        assertThat(refused.err()).contains("grant.agent_not_in_org:").contains("fix: ");
    }

    @Test
    void whenTheTokenIsMissingThenUsageError() {
        Run run = deskframe("doctor", "--env", platform.base());
        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--token");
    }

    @Test
    void adminListsOrgsAndAgents() {
        Run orgs = deskframe("admin", "orgs", "list", "--env", platform.base(), "--client-id", "deskframe-admin",
                "--client-secret", ADMIN_SECRET);
        assertThat(orgs.exitCode()).as(orgs.all()).isZero();
        assertThat(orgs.out()).contains("id").contains("demo").contains("Demo Org").contains("acme");

        Run orgAdmin = deskframe("admin", "orgs", "list", "--env", platform.base(), "--client-id", "demo-admin",
                "--client-secret", "demo-admin" + TestClient.DEMO_SECRET_SUFFIX);
        assertThat(orgAdmin.out()).contains("demo").doesNotContain("acme");

        Run agents = deskframe("admin", "agents", "list", "--org", "demo", "--env", platform.base(), "--client-id",
                "deskframe-admin", "--client-secret", ADMIN_SECRET, "--json");
        assertThat(agents.exitCode()).as(agents.all()).isZero();
        assertThat(agents.out()).contains("\"username\" : \"agent1\"").contains("\"username\" : \"agent2\"");
    }

    @Test
    void adminAddsEditsListsAndRemovesCannedResponses() {
        String[] demoAdmin = {"--env", platform.base(), "--client-id", "demo-admin", "--client-secret", "demo-admin" + TestClient.DEMO_SECRET_SUFFIX};
        String title = "CLI greeting " + System.nanoTime();
        Run added = deskframe(concat(new String[]{"admin", "canned", "add", "--org", "demo", "--title", title, "--text", "Hello there"}, demoAdmin));
        assertThat(added.exitCode()).as(added.all()).isZero();
        String id = added.out().lines().filter(l -> l.startsWith("cr_")).findFirst().orElseThrow().split("\\s+")[0];
        Run edited = deskframe(concat(new String[]{"admin", "canned", "edit", "--org", "demo", "--id", id, "--text", "Hello again"}, demoAdmin));
        assertThat(edited.out()).contains("Hello again");
        Run listed = deskframe(concat(new String[]{"admin", "canned", "list", "--org", "demo"}, demoAdmin));
        assertThat(listed.out()).contains(id, title, "Hello again");
        Run twice = deskframe(concat(new String[]{"admin", "canned", "add", "--org", "demo", "--title", title, "--text", "x"}, demoAdmin));
        assertThat(twice.exitCode()).isEqualTo(1);
        assertThat(twice.err()).contains("canned.title_taken").contains("fix: ");
        Run removed = deskframe(concat(new String[]{"admin", "canned", "remove", "--org", "demo", "--id", id}, demoAdmin));
        assertThat(removed.exitCode()).as(removed.all()).isZero();
        assertThat(deskframe(concat(new String[]{"admin", "canned", "list", "--org", "demo"}, demoAdmin)).out()).doesNotContain(id);
    }

    private static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void adminWithAWrongSecretSaysWhy() {
        Run run = deskframe("admin", "orgs", "list", "--env", platform.base(), "--client-id", "deskframe-admin",
                "--client-secret", "wrong");
        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err()).contains("no admin token for client deskframe-admin (HTTP 401)").contains("invalid_client");
    }

    // guest
    @Test
    void whenTheMessengerIntegrationIsRightThenDoctorFindsTheDeploymentAGuestSessionAndAHandshake() {
        Run run = deskframe("doctor", "--env", platform.base(), "--deployment", "demo-web", "--origin", "http://localhost:8082", "--ascii");
        assertThat(run.exitCode()).as(run.all()).isZero();
        assertThat(run.out()).contains("deployment demo-web exists").contains("guest token issued").contains("messenger: ready")
                .contains("Result: the messenger of demo-web can start on http://localhost:8082.");
    }

    @Test
    void whenTheCustomerSitesOriginOrTheDeploymentIsWrongThenDoctorNamesTheCode() {
        Run origin = deskframe("doctor", "--env", platform.base(), "--deployment", "demo-web", "--origin", "https://shop.example", "--ascii");
        assertThat(origin.exitCode()).isEqualTo(1);
        assertThat(origin.out()).contains("guest.origin_not_allowed").contains("Add 'https://shop.example'");
        Run unknown = deskframe("doctor", "--env", platform.base(), "--deployment", "no-such", "--origin", "https://shop.example", "--ascii");
        assertThat(unknown.exitCode()).isEqualTo(1);
        assertThat(unknown.out()).contains("guest.deployment_unknown");
        Run usage = deskframe("doctor", "--env", platform.base(), "--deployment", "demo-web");
        assertThat(usage.exitCode()).isEqualTo(2);
        assertThat(usage.err()).contains("--origin");
    }

    @Test
    void adminCreatesListsAndDeletesMessengerDeployments() {
        String[] auth = {"--env", platform.base(), "--client-id", "demo-admin", "--client-secret", "demo-admin" + TestClient.DEMO_SECRET_SUFFIX};
        Run created = deskframe(concat(new String[]{"admin", "messenger-deployments", "create", "--org", "demo", "--id", "cli-web",
                "--name", "CLI web", "--origin", "https://cli.example", "--queue", "demo-support", "--prechat", "name"}, auth));
        assertThat(created.exitCode()).as(created.all()).isZero();
        assertThat(created.out()).contains("cli-web").contains("https://cli.example");
        Run list = deskframe(concat(new String[]{"admin", "messenger-deployments", "list", "--org", "demo"}, auth));
        assertThat(list.out()).contains("cli-web").contains("demo-web");
        Run bad = deskframe(concat(new String[]{"admin", "messenger-deployments", "create", "--org", "demo", "--id", "cli-bad",
                "--name", "x", "--origin", "https://cli.example/path", "--queue", "demo-support"}, auth));
        assertThat(bad.exitCode()).isEqualTo(1);
        assertThat(bad.err()).contains("request.invalid").contains("allowedOrigins");
        Run limited = deskframe(concat(new String[]{"admin", "messenger-deployments", "create", "--org", "demo", "--id", "cli-files",
                "--name", "CLI files", "--origin", "https://cli.example", "--queue", "demo-support",
                "--attachment-max-bytes", "5242880", "--attachment-types", "image/*,application/pdf", "--json"}, auth));
        assertThat(limited.exitCode()).as(limited.all()).isZero();
        assertThat(limited.out()).containsPattern("\"maxBytes\"\\s*:\\s*5242880").contains("image/*").contains("application/pdf");
        Run badType = deskframe(concat(new String[]{"admin", "messenger-deployments", "create", "--org", "demo", "--id", "cli-files2",
                "--name", "x", "--origin", "https://cli.example", "--queue", "demo-support", "--attachment-types", "PNG"}, auth));
        assertThat(badType.exitCode()).isEqualTo(1);
        assertThat(badType.err()).contains("request.invalid").contains("attachments.allowedTypes: 'PNG'");
        Run deleted = deskframe(concat(new String[]{"admin", "messenger-deployments", "delete", "--org", "demo", "--id", "cli-web"}, auth));
        assertThat(deleted.exitCode()).as(deleted.all()).isZero();
    }
}
