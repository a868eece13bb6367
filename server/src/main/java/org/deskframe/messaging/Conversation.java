package org.deskframe.messaging;

import java.time.Instant;
import java.util.List;

/** A conversation of one organisation; {@code lastSeq} is the sequence of its newest message (0 when empty). */
public record Conversation(String id, String orgId, String subject, String state, long lastSeq,
                           List<Participant> participants, Instant createdAt) {
    public Conversation {
        participants = List.copyOf(participants);
    }

    /** The JSON shape used by the protocol and the history API. */
    public java.util.Map<String, Object> view() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("id", id);
        v.put("subject", subject);
        v.put("state", state);
        v.put("lastSeq", lastSeq);
        v.put("participants", participants.stream().map(Participant::view).toList());
        v.put("createdAt", createdAt.toString());
        return v;
    }

    public boolean includes(Participant p) {
        return participants.contains(p);
    }
}
