package org.deskframe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Debian's HAProxy in front of several nodes, as a deployment's load balancer: one TCP frontend for the HTTP API and
 * one for the gateway (WebSocket passes through TCP mode untouched), round robin, each server checked every 200 ms
 * on its node's {@code /actuator/health/readiness}, so a draining node is taken out of both at once. Ports in
 * 17000-17999; stopped by its own process id.
 */
public final class Haproxy implements AutoCloseable {

    /** One node's two ports. */
    public record Node(int httpPort, int gatewayPort) {}

    public final int httpPort;
    public final int gatewayPort;
    private final Path dir;
    private Process process;

    /** Chooses its two ports (the nodes' issuer and gateway URL name them before it starts). */
    public Haproxy() throws IOException {
        this.httpPort = LoopbackPorts.free(17000, false);
        int gw;
        do {
            gw = LoopbackPorts.free(17000, false);
        } while (gw == httpPort);
        this.gatewayPort = gw;
        this.dir = Files.createTempDirectory("haproxy");
    }

    public Haproxy start(List<Node> nodes) throws IOException, InterruptedException {
        StringBuilder cfg = new StringBuilder("""
                global
                  maxconn 4096
                defaults
                  mode tcp
                  timeout connect 2s
                  timeout client 120s
                  timeout server 120s
                  timeout check 500ms
                  option httpchk GET /actuator/health/readiness
                  default-server inter 200ms fall 1 rise 2
                """);
        cfg.append("frontend http\n  bind 127.0.0.1:").append(httpPort).append("\n  default_backend http_nodes\n");
        cfg.append("frontend gateway\n  bind 127.0.0.1:").append(gatewayPort).append("\n  default_backend gateway_nodes\n");
        cfg.append("backend http_nodes\n  balance roundrobin\n");
        for (int i = 0; i < nodes.size(); i++) {
            cfg.append("  server n").append(i).append(" 127.0.0.1:").append(nodes.get(i).httpPort()).append(" check\n");
        }
        cfg.append("backend gateway_nodes\n  balance roundrobin\n");
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            cfg.append("  server n").append(i).append(" 127.0.0.1:").append(n.gatewayPort())
                    .append(" check port ").append(n.httpPort()).append('\n');
        }
        Path config = dir.resolve("haproxy.cfg");
        Files.writeString(config, cfg);
        process = new ProcessBuilder("/usr/sbin/haproxy", "-db", "-f", config.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!LoopbackPorts.listening(httpPort) || !LoopbackPorts.listening(gatewayPort)) {
            if (!process.isAlive()) throw new IllegalStateException("haproxy exited: " + log());
            if (System.nanoTime() > deadline) throw new IllegalStateException("haproxy did not listen: " + log());
            Thread.sleep(50);
        }
        return this;
    }

    public String base() {
        return "http://localhost:" + httpPort;
    }

    public String gatewayUrl() {
        return "ws://localhost:" + gatewayPort + "/api/v2/stream";
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("haproxy.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
    }
}
