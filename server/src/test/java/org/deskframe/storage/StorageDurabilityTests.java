package org.deskframe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/** What the start-up check finds and fixes on each engine, read back from the engine (and the kernel) itself. */
class StorageDurabilityTests {

    static {
        SyncedH2Files.register();
    }

    @Test
    void theEmbeddedDefaultWritesEveryCommitThroughToTheDisk(@TempDir Path dir) throws Exception {
        JdbcDataSource ds = h2("jdbc:h2:dsync:" + dir.resolve("deskframe") + ";WRITE_DELAY=0");
        try (Connection held = ds.getConnection()) {
            StorageDurability.Report report = new StorageDurability(ds).report();
            assertThat(report.survives()).isEqualTo(StorageDurability.Survives.POWER_LOSS);
            assertThat(report.reasons()).isEmpty();
            assertThat(writeDelay(held)).isZero();
            // The kernel's view of the open database file: O_DSYNC (octal 010000) is among its flags.
            assertThat(openFlags(dir.resolve("deskframe.mv.db")) & 010000).as("O_DSYNC on the database file").isNotZero();
        }
    }

    @Test
    void aPlainFileUrlWithH2sWriteDelayIsSwitchedToWriteOnCommitAndNamedAsNotPowerLossSafe(@TempDir Path dir) throws Exception {
        JdbcDataSource ds = h2("jdbc:h2:file:" + dir.resolve("deskframe") + ";WRITE_DELAY=500");
        try (Connection held = ds.getConnection()) {
            assertThat(writeDelay(held)).isEqualTo(500);
            StorageDurability.Report report = new StorageDurability(ds).report();
            assertThat(report.survives()).isEqualTo(StorageDurability.Survives.PROCESS_CRASH);
            assertThat(report.reasons()).anyMatch(r -> r.contains("WRITE_DELAY was 500 ms")).anyMatch(r -> r.contains("jdbc:h2:dsync:"));
            assertThat(writeDelay(held)).as("the setting of the open database").isZero();
            assertThat(openFlags(dir.resolve("deskframe.mv.db")) & 010000).as("no O_DSYNC without dsync:").isZero();
        }
    }

    @Test
    void anInMemoryDatabaseIsReportedAsKeepingNothing() throws Exception {
        JdbcDataSource ds = h2("jdbc:h2:mem:durability-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        assertThat(new StorageDurability(ds).report().survives()).isEqualTo(StorageDurability.Survives.NOTHING);
    }

    @Test
    void postgresIsReadForItsOwnDurabilitySettings() throws Exception {
        PGSimpleDataSource ds = new PGSimpleDataSource();
        ds.setUrl("jdbc:postgresql://127.0.0.1:5432/test");
        ds.setUser("postgres");
        StorageDurability.Report report = new StorageDurability(ds).report();
        String fsync;
        String synchronousCommit;
        try (Connection c = ds.getConnection(); var s = c.createStatement()) {
            fsync = single(s.executeQuery("show fsync"));
            synchronousCommit = single(s.executeQuery("show synchronous_commit"));
        }
        boolean safe = fsync.equals("on") && !synchronousCommit.equals("off");
        assertThat(report.engine()).startsWith("PostgreSQL");
        assertThat(report.survives() == StorageDurability.Survives.POWER_LOSS).as("fsync=%s synchronous_commit=%s: %s", fsync,
                synchronousCommit, report.reasons()).isEqualTo(safe && report.reasons().isEmpty());
    }

    private static JdbcDataSource h2(String url) {
        JdbcDataSource ds = new JdbcDataSource();
        ds.setURL(url);
        ds.setUser("sa");
        return ds;
    }

    private static long writeDelay(Connection c) throws Exception {
        try (var s = c.createStatement(); ResultSet rs = s.executeQuery(
                "select setting_value from information_schema.settings where setting_name = 'WRITE_DELAY'")) {
            rs.next();
            return Long.parseLong(rs.getString(1));
        }
    }

    /** The open-file flags (octal, from /proc/self/fdinfo) of this process's descriptor for {@code file}. */
    private static int openFlags(Path file) throws Exception {
        Path real = file.toRealPath();
        try (var fds = Files.list(Path.of("/proc/self/fd"))) {
            for (Path fd : fds.toList()) {
                try {
                    if (!Files.readSymbolicLink(fd).equals(real)) continue;
                } catch (java.io.IOException gone) {
                    continue;
                }
                for (String line : Files.readAllLines(Path.of("/proc/self/fdinfo", fd.getFileName().toString()))) {
                    if (line.startsWith("flags:")) return Integer.parseInt(line.substring(6).trim(), 8);
                }
            }
        }
        throw new AssertionError("no open descriptor for " + real);
    }

    private static String single(ResultSet rs) throws Exception {
        rs.next();
        return rs.getString(1);
    }
}
