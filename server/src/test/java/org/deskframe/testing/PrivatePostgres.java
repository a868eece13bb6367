package org.deskframe.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * A PostgreSQL 15 cluster of the test's own (Debian's binaries, trust auth for user postgres, fsync on) in a temp
 * directory, on a free loopback port in 18000-18999, for tests that stop or restart the database: the machine's
 * PostgreSQL is shared with every other test. initdb and pg_ctl refuse to run as root, so as root they run as the
 * {@code postgres} user, which owns the data directory. Stopped through pg_ctl (the postmaster's own pid file).
 */
public final class PrivatePostgres implements AutoCloseable {

    static final Path BIN = Path.of("/usr/lib/postgresql/15/bin");

    public final int port;
    private final Path dir;
    private final Path data;
    private boolean initialised;

    public PrivatePostgres() throws IOException {
        this.port = LoopbackPorts.free(18000, false);
        this.dir = Files.createTempDirectory("private-postgres");
        this.data = dir.resolve("data");
    }

    /** The JDBC URL of its {@code postgres} database. */
    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** A new, randomly named schema in it: {@code prefix_<hex>}. */
    public PostgresSchema schema(String prefix) {
        return new PostgresSchema(prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL), url());
    }

    /** Creates the cluster on first use, then starts it and waits until it accepts connections. */
    public synchronized PrivatePostgres start() throws IOException, InterruptedException {
        if (!initialised) {
            if (asRoot()) run(List.of("chown", "postgres:postgres", dir.toString()), false);
            run(List.of(BIN.resolve("initdb").toString(), "-D", data.toString(), "-U", "postgres", "-A", "trust",
                    "-E", "UTF8", "--no-locale"), true);
            initialised = true;
        }
        run(List.of(BIN.resolve("pg_ctl").toString(), "start", "-w", "-t", "60", "-D", data.toString(),
                "-l", dir.resolve("postgres.log").toString(),
                "-o", "-p " + port + " -k " + dir + " -c listen_addresses=127.0.0.1 -c max_connections=60"
                        + " -c shared_buffers=32MB -c fsync=on"), true);
        return this;
    }

    /** A fast shutdown (open transactions are rolled back, clients disconnected), waiting until it is down. */
    public synchronized void stop() throws IOException, InterruptedException {
        if (!initialised || !Files.exists(data.resolve("postmaster.pid"))) return;
        run(List.of(BIN.resolve("pg_ctl").toString(), "stop", "-w", "-t", "60", "-m", "fast", "-D", data.toString()), true);
    }

    /** Stop (fast) and start again on the same port and data. */
    public void restart() throws IOException, InterruptedException {
        stop();
        start();
    }

    public boolean accepts() {
        try (var c = DriverManager.getConnection(url(), "postgres", "")) {
            return c.isValid(2);
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        stop();
    }

    private static boolean asRoot() {
        return "root".equals(System.getProperty("user.name"));
    }

    private void run(List<String> command, boolean asPostgres) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>();
        if (asPostgres && asRoot()) full.addAll(List.of("runuser", "-u", "postgres", "--"));
        full.addAll(command);
        Path out = dir.resolve("command.log");
        Process p = new ProcessBuilder(full).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile())).start();
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish within 120 s");
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " exited with " + p.exitValue() + ":\n"
                    + Files.readString(out) + (Files.exists(dir.resolve("postgres.log")) ? Files.readString(dir.resolve("postgres.log")) : ""));
        }
    }
}
