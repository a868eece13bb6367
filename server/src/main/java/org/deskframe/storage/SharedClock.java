package org.deskframe.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * The one time base that durable timers share across nodes: the database's clock, as this node estimates it (the database's
 * time at its last measurement, run on from there by the node's monotonic clock, so a step of the node's own clock moves
 * it not). A timer one node stamps and another node's sweeper compares
 * then agrees however far the nodes' own clocks are apart. Token checks do not use it: their skew is the issuer's.
 */
public interface SharedClock {

    /** The bean name of the node's own wall clock that the offset is measured from (a test shifts one node's). */
    String LOCAL_CLOCK = "deskframeLocalClock";

    /** Now on the database's clock: its time at the last measurement plus the monotonic time since. */
    Instant instant();

    /** The database's time as of the last measurement minus this node's: positive when this node is behind. */
    Duration offset();

    /** {@link #instant()} as a {@link Clock} (UTC), for code that takes one. */
    Clock clock();
}
