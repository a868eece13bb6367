package org.deskframe.protocol;

/**
 * Where one participant stands in a conversation: the highest sequence it acknowledged as delivered (some session of
 * it received the message) and as read. Read implies delivered, so {@code delivered >= read}.
 */
public record ReceiptView(ParticipantView participant, long delivered, long read) {}
