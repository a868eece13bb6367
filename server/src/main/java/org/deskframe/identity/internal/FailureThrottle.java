package org.deskframe.identity.internal;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.deskframe.identity.IdentitySettings;
import org.springframework.stereotype.Component;

/**
 * Throttles password guessing per identity (an agent's username, a client id): after a few consecutive failures
 * each further attempt must wait exponentially longer (capped at five minutes), and at most
 * {@code failuresPerHour} failures are accepted in any hour. A success clears the backoff but not the hourly count.
 * State is per node; with N nodes an attacker gets at most N times the allowance. Identities without a failure in
 * the last hour are forgotten, so guessing with ever new names cannot grow the state without bound.
 */
@Component
class FailureThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration WINDOW = Duration.ofHours(1);
    private static final int SWEEP_THRESHOLD = 10_000;

    private final int failuresPerHour;
    private final Clock clock;
    private final ConcurrentHashMap<String, Record> records = new ConcurrentHashMap<>();
    private volatile int sweepAt = SWEEP_THRESHOLD;

    @org.springframework.beans.factory.annotation.Autowired
    FailureThrottle(IdentitySettings settings) {
        this(settings.failuresPerHour(), Clock.systemUTC());
    }

    FailureThrottle(int failuresPerHour, Clock clock) {
        this.failuresPerHour = failuresPerHour;
        this.clock = clock;
    }

    /** How long the identity must wait before its next attempt, or empty if it may try now. */
    Optional<Duration> retryAfter(String identity) {
        Record r = records.get(identity);
        if (r == null) return Optional.empty();
        synchronized (r) {
            Instant now = clock.instant();
            r.prune(now);
            Duration wait = Duration.ZERO;
            if (r.failures.size() >= failuresPerHour) {
                wait = Duration.between(now, r.failures.peekFirst().plus(WINDOW));
            }
            if (r.consecutive >= FREE_FAILURES && !r.failures.isEmpty()) {
                long seconds = Math.min(1L << Math.min(r.consecutive - FREE_FAILURES, 20), MAX_BACKOFF.toSeconds());
                Duration backoff = Duration.between(now, r.failures.peekLast().plusSeconds(seconds));
                if (backoff.compareTo(wait) > 0) wait = backoff;
            }
            return wait.isPositive() ? Optional.of(wait) : Optional.empty();
        }
    }

    void failed(String identity) {
        Instant now = clock.instant();
        records.compute(identity, (k, r) -> {
            Record record = r == null ? new Record() : r;
            synchronized (record) {
                record.prune(now);
                record.failures.addLast(now);
                record.consecutive++;
            }
            return record;
        });
        if (records.size() > sweepAt) {
            sweep(now);
        }
    }

    /** Forgets identities whose failures are all older than the window (their backoff is long over too). */
    private synchronized void sweep(Instant now) {
        for (String identity : records.keySet()) {
            records.computeIfPresent(identity, (k, r) -> {
                synchronized (r) {
                    r.prune(now);
                    return r.failures.isEmpty() ? null : r;
                }
            });
        }
        sweepAt = Math.max(SWEEP_THRESHOLD, records.size() * 2);
    }

    /** How many identities are being tracked (for tests). */
    int trackedIdentities() {
        return records.size();
    }

    void succeeded(String identity) {
        Record r = records.get(identity);
        if (r != null) {
            synchronized (r) {
                r.consecutive = 0;
            }
        }
    }

    private static final class Record {
        final Deque<Instant> failures = new ArrayDeque<>();
        int consecutive;

        void prune(Instant now) {
            while (!failures.isEmpty() && failures.peekFirst().isBefore(now.minus(WINDOW))) {
                failures.removeFirst();
            }
        }
    }
}
