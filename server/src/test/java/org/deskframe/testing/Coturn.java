package org.deskframe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A coturn TURN server of the test's own (Debian's {@code turnserver}), on loopback, with the TURN REST shared secret
 * ({@code use-auth-secret}) that Deskframe's credentials are computed with. {@link #allocate} makes a real allocation
 * with coturn's own client ({@code turnutils_uclient}), which is what a browser's ICE agent does first. Stopped by its
 * own process id.
 */
public final class Coturn implements AutoCloseable {

    public final int port;
    public final String secret;
    private final Path dir;
    private Process process;

    public Coturn(String secret) throws IOException, InterruptedException {
        this.secret = secret;
        this.port = LoopbackPorts.free(17000, true);
        this.dir = Files.createTempDirectory("coturn");
        start();
    }

    private void start() throws IOException, InterruptedException {
        process = new ProcessBuilder("/usr/bin/turnserver", "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + port, "--use-auth-secret", "--static-auth-secret=" + secret, "--realm=deskframe.test",
                "--no-tls", "--no-dtls", "--no-cli", "--allow-loopback-peers", "--simple-log", "--log-file=stdout",
                "--pidfile=" + dir.resolve("turnserver.pid"), "--min-port=49160", "--max-port=49999")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("turnserver.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!LoopbackPorts.listening(port)) {
            if (!process.isAlive()) throw new IllegalStateException("turnserver exited: " + Files.readString(dir.resolve("turnserver.log")));
            if (System.nanoTime() > deadline) throw new IllegalStateException("turnserver did not listen on port " + port);
            Thread.sleep(50);
        }
    }

    /**
     * Kills the server (SIGKILL, as a crashed or replaced TURN host) and starts a new one on the same port with the
     * same secret: every allocation is gone, credentials handed out before stay valid.
     */
    public void restart() throws IOException, InterruptedException {
        process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        start();
    }

    /** {@code turn:127.0.0.1:PORT?transport=udp}, as a deployment would list it. */
    public String url() {
        return "turn:127.0.0.1:" + port + "?transport=udp";
    }

    /** True when coturn grants an allocation (and relays a few packets) for these credentials. */
    public boolean allocate(String username, String password) throws IOException, InterruptedException {
        Process client = new ProcessBuilder(List.of("/usr/bin/turnutils_uclient", "-u", username, "-w", password,
                "-p", String.valueOf(port), "-e", "127.0.0.1", "-y", "-n", "1", "-m", "1", "127.0.0.1"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("uclient-" + System.nanoTime() + ".log").toFile()).start();
        if (!client.waitFor(30, TimeUnit.SECONDS)) {
            client.destroyForcibly();
            throw new IllegalStateException("turnutils_uclient did not finish within 30 s");
        }
        return client.exitValue() == 0;
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
    }
}
