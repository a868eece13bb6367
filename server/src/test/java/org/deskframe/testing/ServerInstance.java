package org.deskframe.testing;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.deskframe.DeskframeApplication;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A Deskframe server a test starts, stops and restarts itself (for restarts, and for settings the shared server
 * must not have, such as tiny heartbeats). Uses the embedded default, an H2 file database under {@code dataDir}, so data survives restarts.
 */
public final class ServerInstance implements ClusterDeployment.Node {

    private final int port;
    private final int gatewayPort;
    private final Map<String, Object> properties;
    private ConfigurableApplicationContext context;
    private Class<?>[] sources = new Class<?>[0];

    public ServerInstance(Path dataDir, Map<String, Object> extra) {
        this.port = extra.containsKey("server.port") ? Integer.parseInt(String.valueOf(extra.get("server.port"))) : DeskframeServerTest.freePort();
        // Fixed at construction so that a restarted server is found at the same gateway address.
        this.gatewayPort = extra.containsKey("deskframe.gateway.port")
                ? Integer.parseInt(String.valueOf(extra.get("deskframe.gateway.port"))) : DeskframeServerTest.freePort();
        this.properties = new LinkedHashMap<>();
        properties.put("server.port", port);
        properties.put("deskframe.gateway.port", gatewayPort);
        properties.put("deskframe.region.public-url", base());
        properties.put("deskframe.identity.data-dir", dataDir.toString());
        properties.put("deskframe.identity.secret-key", "test-secret-key-0123456789abcdef-0123456789");
        properties.put("spring.jmx.enabled", false);
        // Restart tests restart with sessions open: told all at once (DrainIntegrationTests tests the spread).
        properties.put("deskframe.gateway.drain-spread", "0s");
        properties.putAll(extra);
    }

    /** More configuration classes for the context (a test hook such as {@link CommitCounter.Config}). */
    public ServerInstance withSources(Class<?>... configurations) {
        sources = configurations.clone();
        return this;
    }

    public ServerInstance start() {
        // Command-line arguments outrank application.yml (default properties would not).
        String[] args = properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        context = new SpringApplicationBuilder(DeskframeApplication.class).sources(sources).run(args);
        return this;
    }

    public void stop() {
        if (context != null) {
            context.close();
            context = null;
        }
    }

    public ServerInstance restart() {
        stop();
        return start();
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    /** The running server's context (routing tests publish the guest capability's events through it). */
    public ConfigurableApplicationContext context() {
        return context;
    }

    public int port() {
        return port;
    }

    public int gatewayPort() {
        return gatewayPort;
    }

    public String base() {
        return "http://localhost:" + port;
    }

    public TestClient http() {
        return new TestClient(base());
    }

    @Override
    public void close() {
        stop();
    }
}
