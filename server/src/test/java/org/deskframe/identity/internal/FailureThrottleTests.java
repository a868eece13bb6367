package org.deskframe.identity.internal;

import org.deskframe.cluster.InMemoryCluster;
import org.deskframe.testing.MutableClock;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class FailureThrottleTests {

    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-27T12:00:00Z"));
    private final FailureThrottle throttle = new FailureThrottle(100, InMemoryCluster.limits(clock));

    @Test
    void fiveFailuresAreFreeThenTheWaitDoublesWithEachFailure() {
        fail("agent:a", 5);
        assertThat(throttle.retryAfter("agent:a")).contains(Duration.ofSeconds(1));

        clock.advance(Duration.ofSeconds(1));
        fail("agent:a", 1);
        assertThat(throttle.retryAfter("agent:a")).contains(Duration.ofSeconds(2));

        clock.advance(Duration.ofSeconds(2));
        fail("agent:a", 1);
        assertThat(throttle.retryAfter("agent:a")).contains(Duration.ofSeconds(4));
    }

    @Test
    void theWaitIsCappedAtFiveMinutes() {
        fail("agent:a", 40);
        assertThat(throttle.retryAfter("agent:a")).contains(FailureThrottle.MAX_BACKOFF);
    }

    @Test
    void aSuccessClearsTheBackoffAndTheFreeFailuresStartAgain() {
        fail("agent:a", 10);
        assertThat(throttle.retryAfter("agent:a")).as("backoff after ten failures").contains(Duration.ofSeconds(32));
        throttle.succeeded("agent:a");
        assertThat(throttle.retryAfter("agent:a")).as("a success clears the backoff").isEmpty();
        fail("agent:a", 4);
        assertThat(throttle.retryAfter("agent:a")).as("consecutive failures count from the success").isEmpty();
        fail("agent:a", 1);
        assertThat(throttle.retryAfter("agent:a")).contains(Duration.ofSeconds(1));
    }

    @Test
    void aSuccessClearsTheWaitButNotTheHourlyCount() {
        FailureThrottle strict = new FailureThrottle(6, InMemoryCluster.limits(clock));
        for (int i = 0; i < 6; i++) strict.failed("client:c");
        strict.succeeded("client:c");

        assertThat(strict.retryAfter("client:c")).as("hourly cap still applies").isPresent();
        clock.advance(Duration.ofMinutes(61));
        assertThat(strict.retryAfter("client:c")).isEmpty();
    }

    @Test
    void identitiesAreThrottledIndependently() {
        fail("agent:a", 10);
        assertThat(throttle.retryAfter("agent:b")).isEmpty();
    }

    @Test
    void anHourAfterItsLastFailureAnIdentityStartsAfresh() {
        fail("agent:guess", 40);
        assertThat(throttle.retryAfter("agent:guess")).isPresent();
        clock.advance(Duration.ofMinutes(61));
        assertThat(throttle.retryAfter("agent:guess")).isEmpty();
        fail("agent:guess", 5);
        assertThat(throttle.retryAfter("agent:guess")).as("five free failures again").contains(Duration.ofSeconds(1));
    }

    private void fail(String identity, int times) {
        for (int i = 0; i < times; i++) throttle.failed(identity);
    }
}
