package org.deskframe.messaging.internal;

import java.time.Instant;
import java.util.List;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.ConversationSummary;
import org.deskframe.protocol.ConversationView;
import org.deskframe.protocol.MessageView;
import org.deskframe.protocol.NoteView;
import org.deskframe.protocol.ParticipantView;
import org.deskframe.protocol.ReceiptView;
import org.springframework.stereotype.Component;

/**
 * Messaging's records in the protocol's shapes, with the names people see (from {@link ParticipantNames}, resolved
 * here, when the view is built). {@link org.deskframe.messaging.ConversationViews} is the same without names.
 */
@Component
class Views {

    private final ParticipantNames names;

    Views(ParticipantNames names) {
        this.names = names;
    }

    ParticipantView participant(Participant p) {
        return new ParticipantView(p.kind().label(), p.id(), names.of(p));
    }

    MessageView message(Message m) {
        return new MessageView(m.conversationId(), m.seq(), m.clientMessageId(), participant(m.sender()), m.text(), m.sentAt(),
                m.lost() ? Boolean.TRUE : null, ConversationViews.attachment(m.attachment()));
    }

    ConversationView conversation(Conversation c) {
        return new ConversationView(c.id(), c.subject(), c.state(), c.lastSeq(),
                c.participants().stream().map(this::participant).toList(), c.createdAt());
    }

    List<ReceiptView> receipts(List<ConversationFacts.Position> positions) {
        return positions == null ? List.of() : positions.stream()
                .filter(p -> p.participant().kind() == Participant.Kind.AGENT || p.participant().kind() == Participant.Kind.CUSTOMER)
                .map(p -> new ReceiptView(participant(p.participant()), p.delivered(), p.read())).toList();
    }

    ConversationSummary summary(Conversation c, Conversations.ReadPosition own, Instant lastActivityAt,
                                List<ConversationFacts.Position> positions) {
        return new ConversationSummary(conversation(c), own == null ? 0 : own.readSeq(), own == null ? 0 : own.unread(),
                lastActivityAt == null ? c.createdAt() : lastActivityAt, receipts(positions));
    }

    NoteView note(ConversationNotes.Note n) {
        return new NoteView(n.conversationId(), n.seq(), n.clientNoteId(), participant(n.author()), n.text(), n.afterSeq(),
                n.createdAt());
    }
}
