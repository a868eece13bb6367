package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.RawWebSocket;
import org.deskframe.testing.ServerInstance;
import org.deskframe.testing.StreamClient;
import org.deskframe.testing.TestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Who gets a gateway socket, over real TCP on a server of its own with small caps (2 s to send the upgrade request, 5
 * connections not yet authenticated, 3 per address, 16 connections in all): a client that dribbles its request is cut
 * off at the deadline however often it sends a byte, each cap is refused with {@code gateway.busy} naming it, and the
 * HTTP API and health answer while the gateway is full. Addresses 127.0.0.2-127.0.0.5 are this machine's loopback too.
 */
class GatewayAdmissionIntegrationTests {

    static ServerInstance server;
    static TestClient http;
    static ConnectionAdmission admission;
    private final List<AutoCloseable> open = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = new ServerInstance(Files.createTempDirectory("deskframe-admission"), Map.of(
                "deskframe.gateway.upgrade-timeout", "2s",
                // Long enough that an upgraded socket stays unauthenticated for the whole of a test.
                "deskframe.gateway.handshake-timeout", "30s",
                "deskframe.gateway.max-unauthenticated", "5",
                "deskframe.gateway.max-unauthenticated-per-address", "3",
                "deskframe.gateway.max-connections", "16",
                "deskframe.gateway.max-connections-per-agent", "20",
                "deskframe.demo.enabled", "true")).start();
        http = server.http();
        admission = server.bean(ConnectionAdmission.class);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @AfterEach
    void closeEverything() throws Exception {
        for (AutoCloseable c : open) c.close();
        open.clear();
        await().atMost(Duration.ofSeconds(10)).until(() -> admission.open() == 0 && admission.unauthenticated() == 0);
    }

    private static final byte[] UPGRADE = ("GET /api/v2/stream HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n").getBytes(StandardCharsets.US_ASCII);

    /** A TCP connection from {@code from} that sends nothing. */
    private Socket silent(String from) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(from, 0));
        s.connect(new InetSocketAddress("127.0.0.1", server.gatewayPort()), 5_000);
        s.setSoTimeout(10_000);
        open.add(s);
        return s;
    }

    /**
     * A connection from {@code from} that completed its upgrade (HTTP 101) and has not authenticated: it holds its slot
     * for the handshake timeout (30 s here), where one that sent nothing would lose it at the 2 s upgrade deadline.
     */
    private RawWebSocket upgraded(String from) throws IOException {
        RawWebSocket ws = new RawWebSocket("127.0.0.1", server.gatewayPort(), "/api/v2/stream", from);
        open.add(ws);
        return ws;
    }

    /** Sends an upgrade request from {@code from} and returns everything the server answers before it closes. */
    private String answerTo(String from) throws IOException {
        try (Socket s = silent(from)) {
            s.getOutputStream().write(UPGRADE);
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void anUpgradeRequestDribbledByteByByteIsCutOffAtTheDeadlineCountedFromAccept() throws Exception {
        try (Socket s = silent("127.0.0.1")) {
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            int sent = 0;
            // One byte every 250 ms: a read timeout would be re-armed by each and never fire (the whole request would take
            // ~30 s); the deadline is absolute, so the answer arrives while the request is still being written.
            while (sent < UPGRADE.length && in.available() == 0) {
                out.write(UPGRADE[sent++]);
                out.flush();
                Thread.sleep(250);
            }
            String answer = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            assertThat(sent).as("bytes of the request sent before the answer").isLessThan(UPGRADE.length);
            assertThat(answer).startsWith("HTTP/1.1 408 ").contains("Connection: close")
                    .contains("\"code\":\"upgrade.timeout\"")
                    .contains("The WebSocket upgrade request was not complete within 2 seconds of connecting.");
        }
    }

    @Test
    void eachAddressHoldsAtMostItsShareOfConnectionsThatHaveNotAuthenticated() throws Exception {
        for (int i = 0; i < 3; i++) upgraded("127.0.0.2");
        assertThat(admission.unauthenticated()).isEqualTo(3);
        String refused = answerTo("127.0.0.2");
        assertThat(refused).startsWith("HTTP/1.1 503 ").contains("\"code\":\"gateway.busy\"")
                .contains("3 connections from this address have not authenticated yet (deskframe.gateway.max-unauthenticated-per-address)")
                .contains("max-unauthenticated-per-address to 0");
        // Another address is not affected; a connection that has not even sent its request counts as well.
        silent("127.0.0.3");
        await().until(() -> admission.unauthenticated() == 4);
    }

    @Test
    void allConnectionsThatHaveNotAuthenticatedShareOneCapAndAuthenticatingFreesTheSlot() throws Exception {
        String token = http.agentToken("demo-backend", "agent1", "messaging:read messaging:write");
        for (int i = 0; i < 3; i++) upgraded("127.0.0.2");
        upgraded("127.0.0.3");
        RawWebSocket last = upgraded("127.0.0.3");
        assertThat(admission.unauthenticated()).isEqualTo(5);
        assertThat(answerTo("127.0.0.4")).startsWith("HTTP/1.1 503 ").contains("\"code\":\"gateway.busy\"")
                .contains("5 connections have not authenticated yet (deskframe.gateway.max-unauthenticated)");

        last.close();
        await().until(() -> admission.unauthenticated() == 4);
        StreamClient agent = StreamClient.connect(server.base());
        open.add(agent);
        agent.authenticate(token, "messaging");
        // The authenticated session holds a connection, but no longer one of the five unauthenticated slots.
        await().until(() -> admission.unauthenticated() == 4);
        upgraded("127.0.0.4");
        assertThat(admission.unauthenticated()).isEqualTo(5);
        assertThat(answerTo("127.0.0.5")).startsWith("HTTP/1.1 503 ").contains("max-unauthenticated");
    }

    @Test
    void whenTheGatewayHoldsItsMaximumItRefusesWithGatewayBusyAndTheHttpApiAndHealthStillAnswer() throws Exception {
        String token = http.agentToken("demo-backend", "agent2", "messaging:read messaging:write");
        // 16 in all; the last two descriptors below the cap only carry refusals: 14 sessions fill the gateway.
        for (int i = 0; i < 14; i++) {
            StreamClient ws = StreamClient.connect(server.base());
            open.add(ws);
            ws.authenticate(token, "messaging");
        }
        assertThat(admission.open()).isEqualTo(14);
        assertThat(answerTo("127.0.0.1")).startsWith("HTTP/1.1 503 ").contains("\"code\":\"gateway.busy\"")
                .contains("it holds its maximum of 16 connections (deskframe.gateway.max-connections)");
        TestClient.Reply health = http.get("/actuator/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.json().get("status").asString()).isEqualTo("UP");
        assertThat(http.get("/embed/v1/env", null).status()).isEqualTo(200);
    }
}
