package org.deskframe.messaging;

import java.time.Instant;

/** A durable message: its place ({@code seq}) in its conversation is final once acknowledged. */
public record Message(String conversationId, long seq, String clientMessageId, Participant sender, String text,
                     Instant sentAt) {

    /** The JSON shape used by the protocol's {@code message} frame and the history API. */
    public java.util.Map<String, Object> view() {
        java.util.Map<String, Object> v = new java.util.LinkedHashMap<>();
        v.put("conversation", conversationId);
        v.put("seq", seq);
        v.put("clientMessageId", clientMessageId);
        v.put("sender", sender.view());
        v.put("text", text);
        v.put("sentAt", sentAt.toString());
        return v;
    }
}
