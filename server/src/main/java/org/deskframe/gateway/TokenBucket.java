package org.deskframe.gateway;

/**
 * A token bucket small enough to keep one per connection (two longs, no allocation per check): {@code rate}
 * permits per second, bursts up to {@code burst}. Not thread-safe by itself; callers synchronise.
 */
final class TokenBucket {
    private final double ratePerNano;
    private final double burst;
    private double available;
    private long lastRefill;

    TokenBucket(int perSecond, int burst) {
        this.ratePerNano = perSecond / 1e9;
        this.burst = burst;
        this.available = burst;
        this.lastRefill = System.nanoTime();
    }

    synchronized boolean tryTake() {
        long now = System.nanoTime();
        available = Math.min(burst, available + (now - lastRefill) * ratePerNano);
        lastRefill = now;
        if (available >= 1) {
            available -= 1;
            return true;
        }
        return false;
    }

    /** Seconds until one permit is available (at least 1, for Retry-After style hints). */
    synchronized long secondsUntilNext() {
        return Math.max(1, (long) Math.ceil((1 - available) / (ratePerNano * 1e9)));
    }
}
