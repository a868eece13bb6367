package org.deskframe.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.deskframe.DeskframeApplication;
import org.deskframe.identity.ClientDirectory;
import org.deskframe.identity.OAuthClient;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A real Deskframe server for the browser tests (demo data, in-memory H2), started the way an operator starts it, with
 * the agent desktop's origin among the demo clients' allowed embedding origins.
 */
final class Platform implements AutoCloseable {

    static final String SECRET_SUFFIX = "-secret-0123456789abcdef";

    final int port = freePort();
    private final String[] args;
    private ConfigurableApplicationContext context;

    Platform(String desktopOrigin, Map<String, Object> extra) {
        Path dataDir;
        try {
            dataDir = Files.createTempDirectory("deskframe-e2e");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("server.port", port);
        p.put("deskframe.gateway.port", freePort());
        p.put("deskframe.region.public-url", base());
        p.put("deskframe.identity.data-dir", dataDir);
        p.put("deskframe.identity.secret-key", "e2e-secret-key-0123456789abcdef-0123456789");
        p.put("spring.datasource.url", "jdbc:h2:mem:deskframe-e2e-" + port + ";DB_CLOSE_DELAY=-1");
        p.put("spring.jmx.enabled", false);
        p.put("deskframe.demo.extra-origins", desktopOrigin);
        p.putAll(extra);
        // Command-line arguments outrank application.yml; default properties would not.
        args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        context = new SpringApplicationBuilder(DeskframeApplication.class).run(args);
    }

    /**
     * Stops the server as an operator's restart does (sessions are told server.restarting) and starts it again on the
     * same ports and data. Only a platform on a file database keeps its conversations through this.
     */
    void restart(Runnable whileDown) {
        context.close();
        whileDown.run();
        context = new SpringApplicationBuilder(DeskframeApplication.class).run(args);
    }

    String base() {
        return "http://localhost:" + port;
    }

    /** A client like demo-backend whose access tokens live only {@code ttl}, for the expiry test. */
    void registerShortLivedClient(String clientId, Duration ttl, Set<String> origins) {
        ClientDirectory clients = context.getBean(ClientDirectory.class);
        if (clients.find(clientId).isPresent()) return;
        clients.register(new ClientDirectory.ClientRegistration(clientId, "demo", "E2E short-lived tokens",
                clientId + SECRET_SUFFIX, true, Set.of("client_secret_basic"), Set.of(OAuthClient.GRANT_JWT_BEARER),
                Set.of(), Set.of("messaging:read", "messaging:write", "voice", "video", "agents:read"), origins,
                Set.of(OAuthClient.CAPABILITY_EMBED), null, ttl, Duration.ofHours(1), true));
    }

    /** A new agent of org demo, so a test starts from an empty conversation list. */
    void createAgent(String username, String displayName) {
        org.deskframe.identity.AgentDirectory agents = context.getBean(org.deskframe.identity.AgentDirectory.class);
        if (agents.findByUsername(username).isEmpty()) {
            agents.create(new org.deskframe.identity.AgentDirectory.NewAgent(username, "demo", username,
                    username + "@demo.example", displayName, username + "-e2e-pass", Set.of("agent"), true));
        }
    }

    /** A canned response of org demo (what an admin creates through the admin API). */
    void createCannedResponse(String title, String text) {
        context.getBean(org.deskframe.messaging.CannedResponses.class).create("demo", title, text);
    }

    /**
     * Makes the demo queue (demo-support) ask for a wrap-up code when an agent closes, with these codes, the way an
     * admin configures it (admin API {@code PUT .../queues/demo-support/routing}).
     */
    void requireWrapUp(String... codes) {
        context.getBean(org.deskframe.routing.QueueRouting.class).configure("demo", "demo-support",
                new org.deskframe.routing.QueueRouting.QueueConfig.Update(null, null, true, java.util.Arrays.stream(codes)
                        .map(c -> new org.deskframe.routing.QueueRouting.WrapUpCode(c, null)).toList(), null, null));
    }

    /** The server's beans, for setting up what an admin or a customer would (queues, routing, conversations). */
    org.springframework.context.ApplicationContext context() {
        return context;
    }

    /** The gateway's WebSocket URL, as the platform announces it to widgets. */
    String gatewayUrl() {
        return context.getBean(org.deskframe.gateway.GatewayEndpoint.class).streamUrl("http", "localhost");
    }

    @Override
    public void close() {
        context.close();
    }

    /** A free port below the ephemeral range, which outgoing connections may take while the server starts. */
    static int freePort() {
        return org.deskframe.testing.DeskframeServerTest.freePort();
    }
}
