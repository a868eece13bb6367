package org.deskframe.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Deskframe server in a child JVM of its own (the test's class path, {@code DeskframeApplication}), for tests that
 * must kill the process the way a crash does: {@link #kill()} is SIGKILL to that JVM's own pid, so nothing of the
 * server's shutdown runs. Ports are fixed at construction, so a restarted process is found at the same address;
 * each start logs to {@code <dataDir>/server-<n>.log}.
 */
public final class ServerProcess implements ClusterDeployment.Node {

    /** libfaketime (Debian package libfaketime), for a node whose wall clock is off. */
    public static final Path FAKETIME = Path.of("/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1");

    /** Generous: a child JVM on a loaded 2-core machine has taken over two minutes to start. */
    private Duration startTimeout = Duration.ofSeconds(240);

    private final Path dataDir;
    private final int port;
    private final int gatewayPort;
    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final Map<String, String> environment = new LinkedHashMap<>();
    private Process process;
    private Path logFile;
    private int starts;

    /** The server's embedded defaults (H2 under {@code dataDir}) plus {@code extra}. */
    public ServerProcess(Path dataDir, Map<String, Object> extra) {
        this.dataDir = dataDir;
        // Fixed by the caller (a load balancer in front names them) or free ones.
        this.port = extra.containsKey("server.port") ? Integer.parseInt(String.valueOf(extra.get("server.port"))) : DeskframeServerTest.freePort();
        this.gatewayPort = extra.containsKey("deskframe.gateway.port")
                ? Integer.parseInt(String.valueOf(extra.get("deskframe.gateway.port"))) : DeskframeServerTest.freePort();
        properties.put("server.port", port);
        properties.put("deskframe.gateway.port", gatewayPort);
        properties.put("deskframe.region.public-url", base());
        properties.put("deskframe.identity.data-dir", dataDir.toString());
        properties.put("deskframe.identity.secret-key", "test-secret-key-0123456789abcdef-0123456789");
        properties.put("deskframe.identity.bootstrap-admin-client-secret", "test-admin-secret-0123456789abcdef-0123");
        properties.put("spring.jmx.enabled", false);
        properties.putAll(extra);
    }

    /** How long {@link #start} waits for health (a JVM under libfaketime starts several times slower). */
    public ServerProcess withStartTimeout(Duration timeout) {
        startTimeout = timeout;
        return this;
    }

    /** More environment variables for the child JVM (such as libfaketime's {@code LD_PRELOAD} and {@code FAKETIME}). */
    public ServerProcess withEnvironment(Map<String, String> variables) {
        environment.putAll(variables);
        return this;
    }

    /**
     * The environment that puts a child JVM's wall clock {@code offset} ("-10m", "+3m") off through libfaketime; start
     * it with a longer {@link #withStartTimeout} (every wall-clock read goes through the library).
     */
    public static Map<String, String> clockSkewedBy(String offset) {
        Map<String, String> env = new LinkedHashMap<>(FAKED_WALL_CLOCK);
        env.put("FAKETIME", offset);
        return env;
    }

    /**
     * The environment that makes a child JVM's wall clock follow the offset written in {@code file} ("+0", "+180",
     * "-60": seconds), which libfaketime reads again at most a second after it changes: a clock that steps while the
     * node runs ({@link #stepClock}). FAKETIME itself must stay unset (it outranks the file).
     */
    public static Map<String, String> clockSteppedBy(Path file) {
        if (!Files.exists(file)) stepClock(file, "+0");
        Map<String, String> env = new LinkedHashMap<>(FAKED_WALL_CLOCK);
        env.put("FAKETIME_TIMESTAMP_FILE", file.toString());
        env.put("FAKETIME_CACHE_DURATION", "1");
        return env;
    }

    /** Steps the wall clock of the JVMs started with {@link #clockSteppedBy} this {@code file} to {@code offset}. */
    public static void stepClock(Path file, String offset) {
        try {
            Path next = file.resolveSibling(file.getFileName() + ".next");
            Files.writeString(next, offset + "\n");
            // renamed into place: libfaketime never reads a half-written file
            Files.move(next, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final Map<String, String> FAKED_WALL_CLOCK = Map.of("LD_PRELOAD", FAKETIME.toString(),
            // The JVM's timers and GC need a true monotonic clock; only the wall clock is skewed, not files.
            "FAKETIME_DONT_FAKE_MONOTONIC", "1", "NO_FAKE_STAT", "1",
            // With the monotonic clock left alone its fix is not needed, and costs: a loop of wall-clock reads
            // took ~5x the CPU with it and ~2x without (4M reads, 2.23 s vs 0.39 s user; 0.21 s with no libfaketime).
            "FAKETIME_FORCE_MONOTONIC_FIX", "0");

    /** This node's wall clock as its HTTP answers' {@code Date} header says (to the second). */
    public java.time.Instant httpDate() {
        try {
            HttpResponse<Void> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            return java.time.ZonedDateTime.parse(r.headers().firstValue("date").orElseThrow(),
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public ServerProcess start() {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx768m");
        command.add("-XX:+UseSerialGC");
        // As the exec jar's manifest grants it: the native cryptography provider loads its library through JNI.
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("org.deskframe.DeskframeApplication");
        properties.forEach((k, v) -> command.add("--" + k + "=" + v));
        logFile = dataDir.resolve("server-" + (++starts) + ".log");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(logFile.toFile());
            builder.environment().putAll(environment);
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        awaitHealthy();
        return this;
    }

    private void awaitHealthy() {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + startTimeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("the server process exited with " + process.exitValue() + ":\n" + logTail());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base() + "/actuator/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                // Health answers on the HTTP port; the gateway's own port may bind a moment later.
                if (r.statusCode() == 200 && gatewayListens()) return;
            } catch (IOException e) {
                // not listening yet
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            sleep(200);
        }
        // Not left running behind the failed test (the deployment it was to join never knew it).
        process.destroyForcibly();
        throw new IllegalStateException("the server did not become healthy within " + startTimeout + ":\n" + logTail());
    }

    private boolean gatewayListens() {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", gatewayPort), 1_000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** SIGKILL to the server's JVM (its own pid), then waits until it is gone. */
    public void kill() {
        if (process == null) return;
        process.toHandle().destroyForcibly();
        waitGone();
    }

    /** SIGTERM (a graceful stop), then waits until it is gone. */
    public void stop() {
        if (process == null) return;
        process.toHandle().destroy();
        waitGone();
    }

    private void waitGone() {
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.toHandle().destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        process = null;
    }

    /** SIGSTOP to the server's JVM: it holds its sockets and answers nothing, as a paused VM does. */
    public void pause() {
        signal("STOP");
    }

    /** SIGCONT after {@link #pause}. */
    public void resume() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(process.pid())).inheritIO().start();
            if (kill.waitFor() != 0) throw new IllegalStateException("kill -" + name + " " + process.pid() + " failed");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Established TCP connections on this node's gateway port, read from the kernel's tables (/proc/net/tcp and tcp6):
     * which node holds a client's session, seen from outside the node (a paused JVM cannot answer).
     */
    public int gatewayConnections() {
        int count = 0;
        String local = String.format(":%04X ", gatewayPort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    // fields: sl local_address rem_address st ...; st 01 is ESTABLISHED
                    if (f.length > 3 && (f[1] + " ").endsWith(local) && "01".equals(f[3])) count++;
                }
            } catch (IOException absent) {
                // no IPv6 table on this kernel
            }
        }
        return count;
    }

    public long pid() {
        return process.pid();
    }

    public String base() {
        return "http://localhost:" + port;
    }

    public TestClient http() {
        return new TestClient(base());
    }

    /** The last lines of the current (or last) start's log, for failure messages. */
    public String logTail() {
        try {
            List<String> lines = Files.readAllLines(logFile);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String log(int start) throws IOException {
        return Files.readString(dataDir.resolve("server-" + start + ".log"));
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        stop();
    }
}
