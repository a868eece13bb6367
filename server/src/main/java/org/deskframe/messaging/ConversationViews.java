package org.deskframe.messaging;

import java.util.List;
import org.deskframe.protocol.ConversationSummary;
import org.deskframe.protocol.ConversationView;
import org.deskframe.protocol.MessageView;
import org.deskframe.protocol.ParticipantView;

/** Messaging's records in the protocol's shapes (the gateway's frames and the history API both use these). */
public final class ConversationViews {

    private ConversationViews() {}

    public static ParticipantView of(Participant p) {
        return new ParticipantView(p.kind().label(), p.id());
    }

    public static MessageView of(Message m) {
        return new MessageView(m.conversationId(), m.seq(), m.clientMessageId(), of(m.sender()), m.text(), m.sentAt(),
                m.lost() ? Boolean.TRUE : null, attachment(m.attachment()));
    }

    public static org.deskframe.protocol.AttachmentView attachment(Attachment a) {
        return a == null ? null : new org.deskframe.protocol.AttachmentView(a.id(), a.name(), a.contentType(), a.size());
    }

    public static ConversationView of(Conversation c) {
        List<ParticipantView> members = c.participants().stream().map(ConversationViews::of).toList();
        return new ConversationView(c.id(), c.subject(), c.state(), c.lastSeq(), members, c.createdAt());
    }

    public static ConversationSummary summary(Conversation c, Conversations.ReadPosition position) {
        return new ConversationSummary(of(c), position == null ? 0 : position.readSeq(), position == null ? 0 : position.unread(),
                c.createdAt(), List.of());
    }
}
