package org.deskframe.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * One estimate of the offset between a local clock and a remote one (NTP's idea, one hop): of a few samples the one with
 * the shortest round trip is trusted, and the remote time is taken as read at its midpoint, so the error is at most half
 * that round trip.
 *
 * @param offset    remote minus local
 * @param roundTrip the round trip of the sample used (twice the largest possible error)
 */
public record ClockOffset(Duration offset, Duration roundTrip) {

    /** Reads {@code remote} {@code samples} times, timing each read on {@code local}. */
    public static ClockOffset measure(Clock local, Supplier<Instant> remote, int samples) {
        if (samples < 1) throw new IllegalArgumentException("samples must be at least 1");
        ClockOffset best = null;
        for (int i = 0; i < samples; i++) {
            Instant sent = local.instant();
            Instant remoteTime = remote.get();
            Instant received = local.instant();
            Duration roundTrip = Duration.between(sent, received);
            if (roundTrip.isNegative()) continue; // the local clock stepped back during the read: nothing to learn
            Instant midpoint = sent.plus(roundTrip.dividedBy(2));
            ClockOffset sample = new ClockOffset(Duration.between(midpoint, remoteTime), roundTrip);
            if (best == null || sample.roundTrip.compareTo(best.roundTrip) < 0) best = sample;
        }
        if (best == null) throw new IllegalStateException("the local clock stepped back during every sample");
        return best;
    }
}
