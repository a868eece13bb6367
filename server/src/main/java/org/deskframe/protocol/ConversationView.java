package org.deskframe.protocol;

import java.time.Instant;
import java.util.List;

/** A conversation on the wire (frames and the history API); {@code subject} may be null. */
public record ConversationView(String id, String subject, String state, long lastSeq, List<ParticipantView> participants,
                               Instant createdAt) {}
