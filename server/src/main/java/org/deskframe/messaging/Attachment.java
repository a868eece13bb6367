package org.deskframe.messaging;

/**
 * A file sent in a conversation, as its message refers to it: {@code contentType} is what the bytes were sniffed as
 * (never what the sender declared), {@code size} in bytes. Immutable once stored.
 */
public record Attachment(String id, String name, String contentType, long size) {}
