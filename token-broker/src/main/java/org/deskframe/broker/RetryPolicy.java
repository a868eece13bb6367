package org.deskframe.broker;

import java.time.Duration;
import java.util.Objects;

/**
 * How the broker retries transient failures of the token endpoint (network errors, 5xx, 429): up to
 * {@code maxAttempts} requests in all, waiting an exponentially growing, jittered delay in between, or the server's
 * {@code Retry-After} when it sends one. A {@code Retry-After} longer than {@code maxRetryAfter} is not waited for:
 * the failure is reported at once, carrying that delay.
 *
 * @param maxAttempts    requests in all, at least 1 (1 = no retry)
 * @param initialBackoff the delay before the second request; each further delay doubles, up to {@code maxBackoff}
 * @param maxBackoff     the longest delay between two requests (before jitter)
 * @param maxRetryAfter  the longest {@code Retry-After} the broker waits for
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration maxRetryAfter) {

    public static final RetryPolicy DEFAULT = new RetryPolicy(4, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofSeconds(30));
    public static final RetryPolicy NONE = new RetryPolicy(1, Duration.ZERO, Duration.ZERO, Duration.ZERO);

    public RetryPolicy {
        if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be at least 1");
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    }

    /**
     * The delay before request {@code attempt + 1}: half of the capped exponential step, plus a random share of the
     * other half ("equal jitter"), so that many backends that failed together do not retry together.
     */
    Duration backoff(int attempt, double random) {
        long base = initialBackoff.toMillis();
        long step = attempt >= 31 ? maxBackoff.toMillis() : Math.min(maxBackoff.toMillis(), base << (attempt - 1));
        step = Math.max(0, Math.min(step, maxBackoff.toMillis()));
        return Duration.ofMillis(step / 2 + (long) (random * (step - step / 2)));
    }
}
