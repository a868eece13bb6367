package org.deskframe.cluster.internal;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;

/** One log line per interval for a condition that may repeat at the rate of the traffic; counts the lines it held back. */
final class LogThrottle {

    private final long intervalNanos;
    private final AtomicLong nextAt = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong suppressed = new AtomicLong();

    LogThrottle(java.time.Duration interval) {
        this.intervalNanos = interval.toNanos();
    }

    void warn(Logger log, String message, Object... args) {
        long now = System.nanoTime();
        long next = nextAt.get();
        if ((next != Long.MIN_VALUE && now - next < 0) || !nextAt.compareAndSet(next, now + intervalNanos)) {
            suppressed.incrementAndGet();
            return;
        }
        long held = suppressed.getAndSet(0);
        log.warn(held == 0 ? message : message + " (" + held + " more like it since the last report)", args);
    }
}
