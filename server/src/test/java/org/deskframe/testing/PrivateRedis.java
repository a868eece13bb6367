package org.deskframe.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own (Debian's), on a free port in 16000-16999, without persistence, that the test
 * may stop and start again on the same port. Stopped by its own process id, never by name.
 */
public final class PrivateRedis implements AutoCloseable {

    public final int port;
    private final Path dir;
    private Process process;

    public PrivateRedis() throws IOException {
        this.port = LoopbackPorts.free(16000, false);
        this.dir = Files.createTempDirectory("cluster-redis");
    }

    public String url() {
        return "redis://127.0.0.1:" + port;
    }

    public long pid() {
        return process.pid();
    }

    public synchronized void start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) return;
        process = new ProcessBuilder("/usr/bin/redis-server", "--port", String.valueOf(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!answersPing()) {
            if (!process.isAlive()) throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
            if (System.nanoTime() > deadline) throw new IllegalStateException("redis-server did not answer on port " + port);
            Thread.sleep(50);
        }
    }

    /** Stops this server (SIGTERM to its pid, then SIGKILL), waiting until the port no longer answers. */
    public synchronized void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(5, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    @Override
    public void close() throws InterruptedException {
        stop();
    }

    private boolean answersPing() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            s.setSoTimeout(500);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] reply = new byte[7];
            int n = in.read(reply);
            return n > 0 && new String(reply, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }
}
