package org.deskframe.protocol;

import java.time.Instant;

/**
 * An internal note on a conversation, for agents only: {@code seq} counts the conversation's notes (not its messages),
 * {@code afterSeq} is the last message it follows in the transcript.
 */
public record NoteView(String conversation, long seq, String clientNoteId, ParticipantView author, String text,
                       long afterSeq, Instant createdAt) {}
