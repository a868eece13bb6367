package org.deskframe.storage;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Reads, once at start-up and before the platform accepts anything, what a commit survives on the configured
 * database, and makes sure it survives at least the process dying: an H2 file database left with a write delay
 * (H2's default is 500 ms, in which a commit exists only in memory) is switched to {@code WRITE_DELAY=0}. The
 * result is logged (a warning when it is less than power loss) and kept as {@link #report()}.
 */
@Component
public class StorageDurability {

    private static final Logger log = LoggerFactory.getLogger(StorageDurability.class);

    /** What an acknowledged commit survives, weakest first. */
    public enum Survives { NOTHING, PROCESS_CRASH, POWER_LOSS }

    /** What was found: the engine, what a commit survives, and why (each reason a sentence with its fix). */
    public record Report(String engine, Survives survives, List<String> reasons) {}

    private final Report report;

    StorageDurability(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            String product = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT);
            this.report = product.contains("h2") ? h2(c) : product.contains("postgres") ? postgres(c)
                    : new Report(product, Survives.PROCESS_CRASH, List.of("not a database Deskframe is tested on; "
                    + "acknowledgements are as durable as its commits"));
        }
        String line = "storage: " + report.engine() + ", an acknowledged write survives " + describe(report.survives())
                + (report.reasons().isEmpty() ? "" : " (" + String.join("; ", report.reasons()) + ")");
        if (report.survives() == Survives.POWER_LOSS) log.info(line);
        else log.warn(line);
    }

    public Report report() {
        return report;
    }

    private static Report h2(Connection c) throws SQLException {
        String url = c.getMetaData().getURL();
        String name = url.substring("jdbc:h2:".length());
        if (name.startsWith("mem:")) {
            return new Report("H2 in memory", Survives.NOTHING, List.of("an in-memory database keeps nothing past "
                    + "the process; use jdbc:h2:" + SyncedH2Files.SCHEME + ":./data/deskframe;WRITE_DELAY=0"));
        }
        List<String> reasons = new ArrayList<>();
        long writeDelay = h2Setting(c, "WRITE_DELAY");
        if (writeDelay != 0) {
            try (Statement s = c.createStatement()) {
                s.execute("SET WRITE_DELAY 0");
            }
            reasons.add("WRITE_DELAY was " + writeDelay + " ms, so a commit could stay in memory that long; set to 0");
        }
        if (name.startsWith(SyncedH2Files.SCHEME + ":")) {
            return new Report("H2 file (" + SyncedH2Files.SCHEME + ")", Survives.POWER_LOSS, reasons);
        }
        reasons.add("the file is not opened with " + SyncedH2Files.SCHEME + ": (O_DSYNC), so a commit may wait in the "
                + "OS's page cache; use jdbc:h2:" + SyncedH2Files.SCHEME + ":<path>;WRITE_DELAY=0 to survive power loss");
        return new Report("H2 file", Survives.PROCESS_CRASH, reasons);
    }

    private static long h2Setting(Connection c, String name) throws SQLException {
        try (var ps = c.prepareStatement("select setting_value from information_schema.settings where setting_name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Long.parseLong(rs.getString(1)) : 0;
            }
        }
    }

    private static Report postgres(Connection c) throws SQLException {
        String fsync = pgSetting(c, "fsync");
        String synchronousCommit = pgSetting(c, "synchronous_commit");
        String fullPageWrites = pgSetting(c, "full_page_writes");
        List<String> reasons = new ArrayList<>();
        Survives survives = Survives.POWER_LOSS;
        if (!"on".equals(fsync)) {
            survives = Survives.PROCESS_CRASH;
            reasons.add("PostgreSQL runs with fsync=" + fsync + ": a crash of its machine can lose or corrupt "
                    + "committed data; set fsync=on");
        }
        if ("off".equals(synchronousCommit)) {
            survives = Survives.PROCESS_CRASH;
            reasons.add("synchronous_commit=off: PostgreSQL reports a commit before its WAL is flushed, so a crash of "
                    + "PostgreSQL loses the last commits; set synchronous_commit=on for Deskframe's database or role");
        }
        if (!"on".equals(fullPageWrites)) {
            survives = Survives.PROCESS_CRASH;
            reasons.add("full_page_writes=" + fullPageWrites + ": power loss can tear pages; set full_page_writes=on");
        }
        return new Report("PostgreSQL " + c.getMetaData().getDatabaseProductVersion(), survives, reasons);
    }

    private static String pgSetting(Connection c, String name) throws SQLException {
        try (var ps = c.prepareStatement("select setting from pg_settings where name = ?")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : "unknown";
            }
        }
    }

    private static String describe(Survives s) {
        return switch (s) {
            case NOTHING -> "nothing past this process (in-memory database)";
            case PROCESS_CRASH -> "a crash of the process (kill -9, OOM kill, JVM crash) but not power loss or an OS crash";
            case POWER_LOSS -> "a crash of the process, an OS crash and power loss (as far as the disk honours syncs)";
        };
    }
}
