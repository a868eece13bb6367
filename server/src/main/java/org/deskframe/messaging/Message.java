package org.deskframe.messaging;

import java.time.Instant;

/**
 * A durable message: its place ({@code seq}) in its conversation is final once acknowledged. A {@code lost} one is the
 * placeholder for a sequence number whose message the storage lost (sent by {@link Participant#SYSTEM}, no text): the
 * number stays taken, so no other message ever gets it. {@code attachment} is set when the message carries a file.
 */
public record Message(String conversationId, long seq, String clientMessageId, Participant sender, String text,
                     Instant sentAt, boolean lost, Attachment attachment) {

    public Message(String conversationId, long seq, String clientMessageId, Participant sender, String text, Instant sentAt,
                   boolean lost) {
        this(conversationId, seq, clientMessageId, sender, text, sentAt, lost, null);
    }

    public Message(String conversationId, long seq, String clientMessageId, Participant sender, String text, Instant sentAt) {
        this(conversationId, seq, clientMessageId, sender, text, sentAt, false, null);
    }

    /** The placeholder that keeps {@code seq} taken after its message was lost by the storage. */
    public static Message lost(String conversationId, long seq, Instant sealedAt) {
        return new Message(conversationId, seq, "lost:" + seq, Participant.SYSTEM, "", sealedAt, true);
    }
}
