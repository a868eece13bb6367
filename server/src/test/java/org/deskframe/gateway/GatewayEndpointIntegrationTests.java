package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.deskframe.testing.DeskframeServerTest;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.TestClient;
import org.deskframe.testing.TestClient.Reply;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The gateway has a port of its own: the platform announces it, widget pages may connect to exactly it, and a request
 * on the wrong port is answered with {@code endpoint.wrong_port} naming the right URL, never dropped or left bare.
 */
class GatewayEndpointIntegrationTests extends DeskframeServerTest {

    private static final String STREAM = "ws://localhost:" + GATEWAY_PORT + "/api/v2/stream";
    private final HttpClient client = HttpClient.newHttpClient();

    @Test
    void thePlatformAnnouncesTheGatewayOnItsOwnPortForTheHostTheClientUsed() {
        assertThat(http.get("/embed/v1/env", null).json().get("gateway").asString()).isEqualTo(STREAM);
        // The loopback twin reaches the gateway by the same name it reached the API by.
        TestClient twin = new TestClient("http://127.0.0.1:" + PORT);
        assertThat(twin.get("/embed/v1/env", null).json().get("gateway").asString())
                .isEqualTo("ws://127.0.0.1:" + GATEWAY_PORT + "/api/v2/stream");
    }

    @Test
    void aWidgetPageCarriesTheGatewayUrlAndMayConnectToExactlyIt() {
        Reply page = http.get("/embed/v1/widgets/messaging?client=demo-backend", null);
        assertThat(page.body()).contains("<meta name=\"deskframe-gateway\" content=\"" + STREAM + "\">");
        assertThat(page.header("Content-Security-Policy")).contains("connect-src 'self' ws://localhost:" + GATEWAY_PORT + ";");
    }

    @Test
    void aRequestWithAForeignHostHeaderGetsThePlatformsOwnGatewayUrlAndCsp() throws Exception {
        // A misrouted proxy or a poisoned shared cache must not make a widget page point its socket somewhere else.
        for (String host : new String[]{"evil.example", "localhost.evil.example:" + PORT, "10.0.0.5:" + PORT}) {
            String env = rawGet("/embed/v1/env", host);
            assertThat(env).as(host).startsWith("HTTP/1.1 200").contains("\"gateway\":\"" + STREAM + "\"").doesNotContain("evil.example")
                    .doesNotContain("10.0.0.5");
            String page = rawGet("/embed/v1/widgets/messaging?client=demo-backend", host);
            assertThat(page).as(host).startsWith("HTTP/1.1 200")
                    .contains("<meta name=\"deskframe-gateway\" content=\"" + STREAM + "\">")
                    .containsPattern("(?i)content-security-policy:[^\r\n]*connect-src 'self' ws://localhost:" + GATEWAY_PORT + ";")
                    .doesNotContain("evil.example").doesNotContain("10.0.0.5");
        }
    }

    private static String rawGet(String path, String host) throws java.io.IOException {
        try (java.net.Socket s = new java.net.Socket("localhost", PORT)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    @Test
    void aWebSocketUpgradeOnTheHttpPortIsRefusedWithTheGatewaysUrl() {
        assertThatThrownBy(() -> new RawWebSocket("localhost", PORT, "/api/v2/stream").close())
                .hasMessageContaining("HTTP/1.1 421").hasMessageContaining("endpoint.wrong_port").hasMessageContaining(STREAM);
    }

    @Test
    void theStreamPathOnTheHttpPortNamesTheGatewaysUrl() {
        Reply r = http.get("/api/v2/stream", null);
        assertThat(r.status()).isEqualTo(421);
        JsonNode problem = r.json();
        assertThat(problem.get("code").asString()).isEqualTo("endpoint.wrong_port");
        assertThat(problem.get("message").asString())
                .isEqualTo("the gateway WebSocket /api/v2/stream is not served on this port, which serves the HTTP API.");
        assertThat(problem.get("hint").asString()).startsWith("Use " + STREAM + " (the gateway's URL is the 'gateway' field of /embed/v1/env).")
                .contains("deskframe.gateway.public-url");
    }

    @Test
    void anApiPathOnTheGatewayPortNamesTheApisUrl() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + GATEWAY_PORT + "/api/v2/tokens/me"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(421);
        JsonNode problem = TestClient.JSON.readTree(r.body());
        assertThat(problem.get("code").asString()).isEqualTo("endpoint.wrong_port");
        assertThat(problem.get("message").asString())
                .isEqualTo("GET /api/v2/tokens/me is not served on this port, which serves only the gateway WebSocket /api/v2/stream.");
        assertThat(problem.get("hint").asString()).startsWith("Use " + BASE + "/api/v2/tokens/me for the HTTP API");
    }

    @Test
    void aPlainRequestForTheStreamPathIsToldToUpgrade() throws Exception {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://localhost:" + GATEWAY_PORT + "/api/v2/stream"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(426);
        assertThat(r.headers().firstValue("Upgrade")).hasValue("websocket");
        JsonNode problem = TestClient.JSON.readTree(r.body());
        assertThat(problem.get("code").asString()).isEqualTo("request.invalid");
        assertThat(problem.get("message").asString()).contains("open it with a WebSocket upgrade");
    }

    @Test
    void anUpgradeRequestWithHeadersTooLargeToReadIsAnsweredNotDropped() {
        String huge = "x".repeat(10_000);
        assertThatThrownBy(() -> {
            try (java.net.Socket s = new java.net.Socket("localhost", GATEWAY_PORT)) {
                s.setSoTimeout(5_000);
                s.getOutputStream().write(("GET /api/v2/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                        + "Connection: Upgrade\r\nX-Padding: " + huge + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                throw new AssertionError(new String(s.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.US_ASCII));
            }
        }).hasMessageContaining("HTTP/1.1 431").hasMessageContaining("request.invalid")
                .hasMessageContaining("the upgrade request could not be read");
    }

    @Test
    void aQueryStringDoesNotHideTheStreamPath() {
        // Some proxies and clients append parameters; the path is what counts (tokens still never go in the URL).
        try (var ws = new RawWebSocket("localhost", GATEWAY_PORT, "/api/v2/stream?v=2")) {
            ws.sendText("{\"op\":\"pong\"}");
            JsonNode error = TestClient.JSON.readTree(ws.readText().text());
            assertThat(error.get("code").asString()).isEqualTo("protocol.bad_frame");
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
