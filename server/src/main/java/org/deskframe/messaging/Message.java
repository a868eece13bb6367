package org.deskframe.messaging;

import java.time.Instant;

/** A durable message: its place ({@code seq}) in its conversation is final once acknowledged. */
public record Message(String conversationId, long seq, String clientMessageId, Participant sender, String text,
                     Instant sentAt) {}
