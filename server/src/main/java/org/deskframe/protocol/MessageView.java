package org.deskframe.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;

/**
 * A message on the wire (the {@code message} push and the history API). {@code lost} is present, and true, only on
 * the placeholder of a message the storage lost (docs/protocol.md, "Lost messages"); {@code attachment} only on a
 * message that carries a file (docs/messenger.md, "Attachments").
 */
public record MessageView(String conversation, long seq, String clientMessageId, ParticipantView sender, String text,
                          Instant sentAt, @JsonInclude(JsonInclude.Include.NON_NULL) Boolean lost,
                          @JsonInclude(JsonInclude.Include.NON_NULL) AttachmentView attachment) {

    public MessageView(String conversation, long seq, String clientMessageId, ParticipantView sender, String text,
                       Instant sentAt, Boolean lost) {
        this(conversation, seq, clientMessageId, sender, text, sentAt, lost, null);
    }
}
