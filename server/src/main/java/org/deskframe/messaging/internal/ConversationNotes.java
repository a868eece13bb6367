package org.deskframe.messaging.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Participant;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Internal notes: a log of each conversation's own, beside its message log and never mixed into it, so no path that
 * serves messages (live delivery, replay, history, resume, a customer's view) can carry a note. Numbered per
 * conversation; writing the same client note id again returns the stored note.
 */
@Repository
class ConversationNotes {

    record Note(String conversationId, long seq, String clientNoteId, Participant author, String text, long afterSeq,
                Instant createdAt) {}

    record Added(Note note, boolean duplicate) {}

    private static final String COLUMNS = "conversation_id, note_seq, client_note_id, author_id, body, after_seq, created_at";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    ConversationNotes(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    Added add(Conversation c, Participant author, String clientNoteId, String text) {
        return tx.execute(s -> {
            // The conversation row's lock numbers notes one at a time across nodes (and reads its last message).
            long lastSeq = jdbc.sql("select last_seq from conversations where id = ? for update").param(c.id())
                    .query(Long.class).single();
            Optional<Note> existing = jdbc.sql("select " + COLUMNS + " from conversation_notes where conversation_id = ? "
                    + "and author_id = ? and client_note_id = ?").params(c.id(), author.id(), clientNoteId)
                    .query(ConversationNotes::row).optional();
            if (existing.isPresent()) return new Added(existing.get(), true);
            long seq = jdbc.sql("select coalesce(max(note_seq), 0) + 1 from conversation_notes where conversation_id = ?")
                    .param(c.id()).query(Long.class).single();
            Instant now = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
            jdbc.sql("insert into conversation_notes (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?)")
                    .params(c.id(), seq, clientNoteId, author.id(), text, lastSeq, Timestamp.from(now)).update();
            return new Added(new Note(c.id(), seq, clientNoteId, author, text, lastSeq, now), false);
        });
    }

    List<Note> list(String conversationId) {
        return jdbc.sql("select " + COLUMNS + " from conversation_notes where conversation_id = ? order by note_seq")
                .param(conversationId).query(ConversationNotes::row).list();
    }

    private static Note row(java.sql.ResultSet rs, int n) throws java.sql.SQLException {
        return new Note(rs.getString(1), rs.getLong(2), rs.getString(3), Participant.agent(rs.getString(4)), rs.getString(5),
                rs.getLong(6), rs.getTimestamp(7).toInstant());
    }
}
