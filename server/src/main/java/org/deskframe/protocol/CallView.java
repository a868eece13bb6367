package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;

/**
 * A call on the wire and in the calls API (docs/calls.md). {@code state}: {@code ringing}, {@code connected},
 * {@code held} or {@code ended}. {@code callee} is absent while a customer's call waits in {@code queue} for an agent.
 * An ended call says who ended it, {@code endReason} ({@code hangup}, {@code declined}, {@code no_answer},
 * {@code peer_gone}, {@code failed}, {@code conversation_closed}) and, for every reason but {@code hangup}, the
 * catalogue code naming the cause ({@code endCode}). {@code quality} holds each side's last report.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record CallView(String id, String state, String media, CallPartyView caller, CallPartyView callee,
                       String conversation, String queue, Instant createdAt, Instant answeredAt, Instant endedAt,
                       ParticipantView endedBy, String endReason, String endCode, Long durationSeconds,
                       List<CallQuality> quality) {}
