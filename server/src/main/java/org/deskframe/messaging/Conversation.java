package org.deskframe.messaging;

import java.time.Instant;
import java.util.List;

/** A conversation of one organisation; {@code lastSeq} is the sequence of its newest message (0 when empty). */
public record Conversation(String id, String orgId, String subject, String state, long lastSeq,
                           List<Participant> participants, Instant createdAt) {
    public Conversation {
        participants = List.copyOf(participants);
    }

    public boolean includes(Participant p) {
        return participants.contains(p);
    }
}
