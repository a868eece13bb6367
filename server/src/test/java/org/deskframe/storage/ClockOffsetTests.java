package org.deskframe.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.function.Supplier;
import org.deskframe.testing.MutableClock;
import org.junit.jupiter.api.Test;

class ClockOffsetTests {

    static final Duration DATABASE_AHEAD = Duration.ofSeconds(180).plusMillis(250);

    /** A database whose clock is {@code offset} from {@code local}; each read takes its (request, answer) delays. */
    static Supplier<Instant> database(MutableClock local, Duration offset, List<Duration[]> delays) {
        Deque<Duration[]> left = new ArrayDeque<>(delays);
        return () -> {
            Duration[] d = left.removeFirst();
            local.advance(d[0]);
            Instant read = local.instant().plus(offset);
            local.advance(d[1]);
            return read;
        };
    }

    static Duration[] ms(long toDatabase, long back) {
        return new Duration[]{Duration.ofMillis(toDatabase), Duration.ofMillis(back)};
    }

    @Test
    void whenDelaysAreSymmetricThenTheOffsetIsExact() {
        MutableClock local = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        ClockOffset o = ClockOffset.measure(local, database(local, DATABASE_AHEAD, List.of(ms(3, 3), ms(1, 1), ms(2, 2))), 3);
        assertThat(o.offset()).isEqualTo(DATABASE_AHEAD);
        assertThat(o.roundTrip()).isEqualTo(Duration.ofMillis(2));
    }

    @Test
    void theSampleWithTheShortestRoundTripIsTrustedAndItsErrorIsAtMostHalfOfIt() {
        MutableClock local = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        // A slow, lopsided read (a pause on the way back) would be 200 ms off; the quick lopsided one is 4 ms off.
        ClockOffset o = ClockOffset.measure(local, database(local, DATABASE_AHEAD.negated(),
                List.of(ms(5, 405), ms(0, 8), ms(30, 90), ms(60, 60))), 4);
        assertThat(o.roundTrip()).isEqualTo(Duration.ofMillis(8));
        assertThat(o.offset()).isEqualTo(DATABASE_AHEAD.negated().minusMillis(4));
        assertThat(o.offset().minus(DATABASE_AHEAD.negated()).abs()).isLessThanOrEqualTo(o.roundTrip().dividedBy(2));
    }

    @Test
    void aSampleDuringWhichTheLocalClockSteppedBackIsIgnored() {
        MutableClock local = new MutableClock(Instant.parse("2026-12-04T12:00:00Z"));
        List<Duration[]> delays = List.of(new Duration[]{Duration.ofSeconds(-10), Duration.ZERO}, ms(2, 2));
        ClockOffset o = ClockOffset.measure(local, database(local, Duration.ZERO, delays), 2);
        assertThat(o.roundTrip()).isEqualTo(Duration.ofMillis(4));
        assertThat(o.offset()).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> ClockOffset.measure(local, database(local, Duration.ZERO, List.of()), 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
