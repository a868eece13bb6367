package org.deskframe.identity.internal;

import java.time.Duration;
import java.util.Optional;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.identity.IdentitySettings;
import org.springframework.stereotype.Component;

/**
 * Throttles password guessing per identity (an agent's username, a client id): after a few consecutive failures
 * each further attempt must wait exponentially longer (capped at five minutes), and at most
 * {@code failuresPerHour} failures are accepted in any hour. A success clears the backoff but not the hourly count.
 * The record of failures is the cluster's ({@link ClusterLimits}), so the allowance holds across every node (per node
 * only while Redis is unreachable); records expire an hour after their last failure, so guessing with ever new names
 * cannot grow the state without bound.
 */
@Component
class FailureThrottle {

    static final int FREE_FAILURES = 5;
    static final Duration MAX_BACKOFF = Duration.ofMinutes(5);
    private static final Duration WINDOW = Duration.ofHours(1);

    private final int failuresPerHour;
    private final ClusterLimits limits;

    @org.springframework.beans.factory.annotation.Autowired
    FailureThrottle(IdentitySettings settings, ClusterLimits limits) {
        this(settings.failuresPerHour(), limits);
    }

    FailureThrottle(int failuresPerHour, ClusterLimits limits) {
        this.failuresPerHour = failuresPerHour;
        this.limits = limits;
    }

    /** How long the identity must wait before its next attempt, or empty if it may try now. */
    Optional<Duration> retryAfter(String identity) {
        ClusterLimits.Failures f = limits.failures(key(identity), WINDOW);
        Duration wait = Duration.ZERO;
        if (f.inWindow() >= failuresPerHour) {
            wait = WINDOW.minus(f.sinceOldest());
        }
        if (f.consecutive() >= FREE_FAILURES && f.inWindow() > 0) {
            long seconds = Math.min(1L << Math.min(f.consecutive() - FREE_FAILURES, 20), MAX_BACKOFF.toSeconds());
            Duration backoff = Duration.ofSeconds(seconds).minus(f.sinceLatest());
            if (backoff.compareTo(wait) > 0) wait = backoff;
        }
        return wait.isPositive() ? Optional.of(wait) : Optional.empty();
    }

    void failed(String identity) {
        limits.recordFailure(key(identity), WINDOW, failuresPerHour);
    }

    void succeeded(String identity) {
        limits.recordSuccess(key(identity));
    }

    private static String key(String identity) {
        return "failures:" + identity;
    }
}
