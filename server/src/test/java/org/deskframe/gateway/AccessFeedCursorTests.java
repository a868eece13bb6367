package org.deskframe.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.deskframe.identity.AccessChange;
import org.deskframe.identity.AccessChange.Kind;
import org.junit.jupiter.api.Test;

class AccessFeedCursorTests {

    private final AtomicLong nanos = new AtomicLong();
    private final AccessFeedCursor cursor = new AccessFeedCursor(10, Duration.ofSeconds(60), nanos::get);

    @Test
    void entriesAreHandedOutOnceAndTheFloorFollowsThem() {
        assertThat(read(11, 12, 13)).containsExactly(11L, 12L, 13L);
        assertThat(cursor.readFrom()).isEqualTo(13);
        assertThat(read(13)).isEmpty();
        assertThat(read(14)).containsExactly(14L);
        assertThat(cursor.gaps()).isZero();
    }

    @Test
    void aPositionCommittedLateBelowOnesAlreadyReadIsStillHandledWhateverTheClocksSay() {
        assertThat(read(11, 13, 14)).containsExactly(11L, 13L, 14L);
        // 12's transaction has not committed: the next read starts below it, and nothing read is handed out twice.
        assertThat(cursor.readFrom()).isEqualTo(11);
        assertThat(cursor.gaps()).isEqualTo(1);
        nanos.addAndGet(Duration.ofSeconds(30).toNanos());
        assertThat(read(13, 14)).isEmpty();
        assertThat(read(12, 13, 14, 15)).containsExactly(12L, 15L);
        assertThat(cursor.readFrom()).isEqualTo(15);
        assertThat(cursor.gaps()).isZero();
    }

    @Test
    void aPositionThatNeverCommitsIsGivenUpAfterThePatienceOfThisNodesOwnTime() {
        read(11, 13);
        nanos.addAndGet(Duration.ofSeconds(59).toNanos());
        read(13);
        assertThat(cursor.readFrom()).isEqualTo(11);
        nanos.addAndGet(Duration.ofSeconds(1).toNanos());
        read(13);
        assertThat(cursor.readFrom()).isEqualTo(13);
        assertThat(cursor.gaps()).isZero();
        // Had it committed after all, it would no longer be read: the floor passed it.
        assertThat(read(12, 14)).containsExactly(14L);
    }

    @Test
    void aJumpOfTheDatabaseSequenceIsNotWaitedFor() {
        assertThat(read(11, 11 + AccessFeedCursor.MAX_TRACKED_GAPS + 5)).hasSize(2);
        assertThat(cursor.readFrom()).isEqualTo(11 + AccessFeedCursor.MAX_TRACKED_GAPS + 5);
        assertThat(cursor.gaps()).isZero();
    }

    @Test
    void anEmptyFeedLeavesTheCursorWhereItStarted() {
        assertThat(read()).isEmpty();
        assertThat(cursor.readFrom()).isEqualTo(10);
        assertThat(read(5, 10)).isEmpty();
    }

    private List<Long> read(long... positions) {
        List<AccessChange> page = java.util.Arrays.stream(positions).mapToObj(p -> new AccessChange(p, Kind.TOKEN, "jti-" + p)).toList();
        List<Long> fresh = cursor.accept(page).stream().map(AccessChange::position).toList();
        cursor.settle();
        return fresh;
    }
}
