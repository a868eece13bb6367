package org.deskframe.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;

/**
 * The shared test server's clock for what takes one (refresh-token reuse, the single node's limits, presence and
 * liveness): the real time plus a shift a test sets, so "later" needs no sleep. A test that shifts it puts it back
 * afterwards, and keeps the shift well under the presence TTL (30 s): the server is shared.
 */
public final class ShiftedClock extends Clock {

    private volatile Duration shift = Duration.ZERO;

    public void shift(Duration by) {
        shift = by;
    }

    public void advance(Duration by) {
        shift = shift.plus(by);
    }

    public void reset() {
        shift = Duration.ZERO;
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(shift);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @TestConfiguration(proxyBeanMethods = false)
    public static class Config {
        @Bean
        ShiftedClock shiftedClock() {
            return new ShiftedClock();
        }
    }
}
