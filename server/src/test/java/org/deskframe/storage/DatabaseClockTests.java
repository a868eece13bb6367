package org.deskframe.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.deskframe.testing.MutableClock;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/**
 * The shared clock over a real (in-memory H2) database, this node's wall clock one a test steps by hand: what routing
 * stamps must not move when the node's clock steps between two measurements of its offset (the fault suite steps a
 * node's clock under libfaketime).
 */
class DatabaseClockTests {

    static final Duration TOLERANCE = Duration.ofSeconds(1);

    DatabaseClock clock;

    @AfterEach
    void stop() {
        if (clock != null) clock.stop();
    }

    final JdbcDataSource h2 = new JdbcDataSource();

    DatabaseClockTests() throws Exception {
        h2.setURL("jdbc:h2:mem:database-clock-" + System.nanoTime() + ";DB_CLOSE_DELAY=-1");
        // Started before a test's clock is set: H2's first start takes seconds on a loaded machine.
        h2.getConnection().close();
    }

    DatabaseClock over(Clock local, MeterRegistry registry) throws Exception {
        // Measured once at start; the next measurement an hour away, so only the step is seen.
        StorageSettings settings = new StorageSettings(Duration.ofHours(1), Duration.ofSeconds(2));
        return new DatabaseClock(h2, settings, new StaticListableBeanFactory(Map.of("local", local)).getBeanProvider(Clock.class),
                new StaticListableBeanFactory(Map.of("registry", registry)).getBeanProvider(MeterRegistry.class));
    }

    @Test
    void whenTheNodesClockStepsBetweenMeasurementsThenTheSharedClockKeepsTheDatabasesTime() throws Exception {
        // This node's clock stands ten minutes behind and does not run: only the step moves it.
        MutableClock local = new MutableClock(Instant.now().minus(Duration.ofMinutes(10)));
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        clock = over(local, registry);
        assertThat(clock.offset().minus(Duration.ofMinutes(10)).abs()).isLessThan(TOLERANCE);
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).isLessThan(TOLERANCE);
        assertThat(registry.get("deskframe.clock.offset").gauge().value()).isCloseTo(600, org.assertj.core.data.Offset.offset(1.0));

        local.advance(Duration.ofMinutes(2));
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).as("after a step forward").isLessThan(TOLERANCE);
        local.advance(Duration.ofMinutes(-5));
        assertThat(Duration.between(Instant.now(), clock.instant()).abs()).as("after a step back").isLessThan(TOLERANCE);
    }

    @Test
    void theSharedClockRunsBetweenMeasurements() throws Exception {
        clock = over(Clock.systemUTC(), new SimpleMeterRegistry());
        Instant first = clock.instant();
        Thread.sleep(300);
        Duration ran = Duration.between(first, clock.instant());
        assertThat(ran).isBetween(Duration.ofMillis(290), Duration.ofSeconds(5));
        assertThat(Duration.between(Instant.now(), clock.clock().instant()).abs()).isLessThan(TOLERANCE);
    }
}
