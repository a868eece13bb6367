package org.deskframe.calls;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import org.deskframe.protocol.CallQuality;
import org.deskframe.protocol.ParticipantView;

/**
 * A call's record (docs/calls.md#call-record): what {@code GET /api/v2/calls/{id}} and the admin API answer. Times are
 * when it was placed ({@code startedAt}), answered and ended; {@code durationSeconds} counts from the answer. An ended
 * call names who ended it ({@code system} for the timers), why ({@code endReason}) and, but for a hang-up, the
 * catalogue code of the cause. {@code quality} is each side's last report; {@code events} every transition in order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallRecord(String id, String orgId, String media, String state, Instant startedAt, Instant answeredAt,
                         Instant endedAt, Long durationSeconds, String endReason, String endCode, ParticipantView endedBy,
                         List<Party> participants, String conversation, String queue, List<CallQuality> quality,
                         List<Event> events) {

    /** One side: {@code role} caller or callee. */
    public record Party(String role, String kind, String id, @JsonInclude(JsonInclude.Include.NON_NULL) String displayName) {}

    /** A transition: the state entered, when, by whom, and why ({@code reason}: an end reason or code). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Event(int seq, String state, Instant at, ParticipantView by, String reason) {}
}
