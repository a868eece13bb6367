package org.deskframe.examples.desktop;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The example desktop in front of a real platform: its login and session, and a token from its
 * {@code /api/access-token} that the platform accepts for the messaging widget embedded at the desktop's origin.
 */
class AgentDesktopIntegrationTests {

    static ServerInstance platform;
    static AgentDesktop desktop;
    static String desk;
    static final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    @BeforeAll
    static void start() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        desk = "http://localhost:" + port;
        platform = new ServerInstance(Files.createTempDirectory("desktop-it"), Map.of("deskframe.demo.desktop-url", desk)).start();
        Map<String, String> env = new HashMap<>();
        env.put("DESKTOP_PORT", Integer.toString(port));
        env.put("DESKFRAME_ENV", platform.base());
        desktop = AgentDesktop.start(DesktopSettings.fromEnvironment(env));
    }

    @AfterAll
    static void stop() {
        if (desktop != null) desktop.close();
        if (platform != null) platform.close();
    }

    @Test
    void aSignedInAgentGetsATokenThatOpensMessagingAtTheDesktopsOrigin() throws Exception {
        String cookie = signIn("agent1", "agent1-demo-pass");
        HttpResponse<String> page = send(get("/").header("Cookie", cookie));
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains(platform.base() + "/embed/v1/deskframe.js").contains("\"org\":\"demo\"");
        assertThat(page.headers().firstValue("Content-Security-Policy").orElseThrow()).contains("frame-src " + platform.base());
        String csrf = csrf(page.body());

        HttpResponse<String> reply = send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .header("Origin", desk));
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Cache-Control")).contains("no-store");
        JsonNode body = TestClient.JSON.readTree(reply.body());
        String token = body.get("access_token").asString();
        assertThat(body.get("expires_at").asString()).isNotBlank();
        assertThat(body.get("expires_in").asLong()).isPositive();

        TestClient api = platform.http();
        assertThat(api.get("/api/v2/tokens/me", token).json().get("agent").get("username").asString()).isEqualTo("agent1");
        JsonNode authorize = api.get("/api/v2/authorize?widgets=messaging,voice,video&org=demo&origin=" + desk, token).json();
        for (String widget : new String[]{"messaging", "voice", "video"}) {
            assertThat(authorize.get("widgets").get(widget).get("ready").asBoolean()).as(authorize.toString()).isTrue();
        }

        // The same agent asking again gets the broker's cached token.
        HttpResponse<String> again = send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", csrf));
        assertThat(TestClient.JSON.readTree(again.body()).get("access_token").asString()).isEqualTo(token);
    }

    @Test
    void twoDesktopUsersGetTokensForTheirOwnAgents() throws Exception {
        String cookie = signIn("agent2", "agent2-demo-pass");
        String csrf = csrf(send(get("/").header("Cookie", cookie)).body());
        HttpResponse<String> reply = send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", csrf));
        String token = TestClient.JSON.readTree(reply.body()).get("access_token").asString();
        assertThat(platform.http().get("/api/v2/tokens/me", token).json().get("agent").get("username").asString()).isEqualTo("agent2");
    }

    @Test
    void theTokenEndpointNeedsTheSessionTheCsrfHeaderAndTheDesktopsOrigin() throws Exception {
        HttpResponse<String> anonymous = send(post("/api/access-token"));
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.body()).doesNotContain("access_token");

        String cookie = signIn("agent1", "agent1-demo-pass");
        String csrf = csrf(send(get("/").header("Cookie", cookie)).body());
        assertThat(send(post("/api/access-token").header("Cookie", cookie)).statusCode()).isEqualTo(403);
        assertThat(send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", "wrong")).statusCode()).isEqualTo(403);
        HttpResponse<String> foreign = send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .header("Origin", "https://evil.example"));
        assertThat(foreign.statusCode()).isEqualTo(403);
        assertThat(foreign.body()).doesNotContain("access_token");
        assertThat(send(get("/api/access-token").header("Cookie", cookie)).statusCode()).isEqualTo(405);
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteLaxAndWrongPasswordsGetNone() throws Exception {
        HttpResponse<String> ok = send(post("/login", "username=agent1&password=agent1-demo-pass"));
        assertThat(ok.statusCode()).isEqualTo(303);
        String setCookie = ok.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(setCookie).startsWith(AgentDesktop.COOKIE + "=").contains("HttpOnly").contains("SameSite=Lax").contains("Path=/");

        HttpResponse<String> wrong = send(post("/login", "username=agent1&password=desk-agent1"));
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(wrong.headers().firstValue("Set-Cookie")).isEmpty();
        assertThat(wrong.body()).contains("Wrong username or password");

        assertThat(send(get("/")).headers().firstValue("Location")).contains("/login");
        assertThat(send(get("/login")).body()).contains("agent1-demo-pass");
    }

    @Test
    void signingOutEndsTheSession() throws Exception {
        String cookie = signIn("agent1", "agent1-demo-pass");
        String csrf = csrf(send(get("/").header("Cookie", cookie)).body());
        assertThat(send(post("/logout", "csrf=wrong").header("Cookie", cookie)).statusCode()).isEqualTo(403);
        assertThat(send(post("/logout", "csrf=" + csrf).header("Cookie", cookie)).statusCode()).isEqualTo(303);
        assertThat(send(post("/api/access-token").header("Cookie", cookie).header("X-CSRF-Token", csrf)).statusCode()).isEqualTo(401);
    }

    static String signIn(String user, String password) throws Exception {
        HttpResponse<String> r = send(post("/login", "username=" + user + "&password=" + password).header("Origin", desk));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(303);
        return r.headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
    }

    static String csrf(String page) {
        Matcher m = Pattern.compile("\"csrfToken\":\"([^\"]+)\"").matcher(page);
        assertThat(m.find()).as("the page carries its CSRF token").isTrue();
        return m.group(1);
    }

    static HttpRequest.Builder get(String path) {
        return HttpRequest.newBuilder(URI.create(desk + path)).GET();
    }

    static HttpRequest.Builder post(String path) {
        return HttpRequest.newBuilder(URI.create(desk + path)).POST(HttpRequest.BodyPublishers.noBody());
    }

    static HttpRequest.Builder post(String path, String form) {
        return HttpRequest.newBuilder(URI.create(desk + path)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form));
    }

    static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
