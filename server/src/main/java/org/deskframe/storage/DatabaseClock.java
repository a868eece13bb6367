package org.deskframe.storage;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.stereotype.Component;

/**
 * {@link SharedClock} on the configured database's clock: the offset is measured at start-up (before anything is
 * stamped) and then every {@code deskframe.storage.clock-sample-interval}; a failed measurement keeps the last offset.
 * Between measurements it runs on the monotonic clock from the last one, so a step of this node's wall clock (NTP
 * correcting it, a VM resumed) moves nothing routing stamps or compares; the next measurement sees the new offset.
 */
@Component
class DatabaseClock implements SharedClock {

    private static final Logger log = LoggerFactory.getLogger(DatabaseClock.class);
    static final int SAMPLES = 5;

    private final DataSource dataSource;
    private final Clock local;
    private final StorageSettings settings;
    private final String query;
    private final Clock asClock = new AsClock();
    private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("database-clock").daemon(true).factory());
    private volatile Duration offset = Duration.ZERO;
    /** The database's time at the last measurement and System.nanoTime() then: what {@link #instant()} runs from. */
    private volatile Anchor anchor;
    private volatile boolean warned;

    private record Anchor(Instant databaseTime, long nanos) {}

    DatabaseClock(DataSource dataSource, StorageSettings settings, @Qualifier(LOCAL_CLOCK) ObjectProvider<Clock> local,
                  ObjectProvider<MeterRegistry> registry) throws SQLException {
        this.dataSource = dataSource;
        this.settings = settings;
        this.local = local.getIfAvailable(Clock::systemUTC);
        try (Connection c = dataSource.getConnection()) {
            // clock_timestamp(): the time of the read itself (current_timestamp is the transaction's start).
            this.query = c.getMetaData().getDatabaseProductName().toLowerCase(Locale.ROOT).contains("postgres")
                    ? "select clock_timestamp()" : "select current_timestamp";
            ClockOffset first = measure(c);
            log.info("clock: this node's offset to the database's clock is {} s (measured within {} ms)",
                    seconds(first.offset()), millis(first.roundTrip()));
            record(first);
        }
        registry.ifAvailable(r -> Gauge.builder("deskframe.clock.offset", this, dc -> dc.offset.toNanos() / 1e9)
                .baseUnit("seconds")
                .description("This node's clock offset to the database's (database minus node), which routing's and calls' timers correct by")
                .register(r));
        long ms = Math.max(100, settings.clockSampleInterval().toMillis());
        sampler.scheduleWithFixedDelay(this::sampleQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        sampler.shutdownNow();
    }

    @Override
    public Instant instant() {
        Anchor a = anchor;
        return a.databaseTime().plusNanos(System.nanoTime() - a.nanos());
    }

    @Override
    public Duration offset() {
        return offset;
    }

    @Override
    public Clock clock() {
        return asClock;
    }

    private void sampleQuietly() {
        try (Connection c = dataSource.getConnection()) {
            record(measure(c));
        } catch (SQLException | RuntimeException e) {
            log.warn("could not read the database's clock (keeping the offset {}): {}", offset, e.toString());
        }
    }

    private ClockOffset measure(Connection c) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            return ClockOffset.measure(local, () -> read(ps), SAMPLES);
        } catch (UncheckedSql e) {
            throw e.getCause();
        }
    }

    private static Instant read(PreparedStatement ps) {
        try (ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getObject(1, OffsetDateTime.class).toInstant();
        } catch (SQLException e) {
            throw new UncheckedSql(e);
        }
    }

    private void record(ClockOffset measured) {
        Duration before = offset;
        Anchor previous = anchor;
        long nanos = System.nanoTime();
        anchor = new Anchor(local.instant().plus(measured.offset()), nanos);
        offset = measured.offset();
        if (previous != null && measured.offset().minus(before).abs().compareTo(settings.clockOffsetWarning()) > 0) {
            log.warn("this node's clock stepped by {} s since the last measurement (the shared clock did not follow it)",
                    seconds(before.minus(measured.offset())));
        }
        boolean beyond = measured.offset().abs().compareTo(settings.clockOffsetWarning()) > 0;
        if (beyond && !warned) {
            log.warn("this node's clock is {} s off the database's (measured within {} ms); run NTP on every node and on the "
                    + "database host. Routing's and calls' timers correct for it; token checks do not", seconds(measured.offset()),
                    millis(measured.roundTrip()));
        } else if (!beyond && warned) {
            log.info("this node's clock is within {} of the database's again ({} s)", settings.clockOffsetWarning(), seconds(measured.offset()));
        }
        warned = beyond;
    }

    private static String seconds(Duration d) {
        return String.format(Locale.ROOT, "%+.3f", d.toNanos() / 1e9);
    }

    private static String millis(Duration d) {
        return String.format(Locale.ROOT, "%.2f", d.toNanos() / 1e6);
    }

    private static final class UncheckedSql extends RuntimeException {
        UncheckedSql(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }

    private final class AsClock extends Clock {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return DatabaseClock.this.instant();
        }
    }
}
