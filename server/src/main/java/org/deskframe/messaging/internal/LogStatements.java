package org.deskframe.messaging.internal;

import java.util.Locale;
import org.deskframe.messaging.Attachment;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.Participant;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * The group commit's two queries whose input is a set, each with one fixed text per engine however large the group:
 * the set travels as arrays. A text that varied with the group size was parsed again for every size (H2), and on
 * PostgreSQL a statement pgjdbc had server-prepared kept the generic plan made while {@code messages} was nearly empty,
 * a sequential scan, until the next ANALYZE. Here each key is looked up in a LATERAL subquery with {@code LIMIT 1} (on
 * a unique key, so no row is lost): PostgreSQL can only run it as an index probe per key, on an empty table and on a
 * large one, generic plan or custom. H2 has no LATERAL; its planner joins the unnested keys to the index in any case.
 * Both shapes are checked with EXPLAIN in {@code LogStatementsIntegrationTests}.
 *
 * @param lockConversations       locks the group's conversation rows, given as one array of ids sorted ascending, in that
 *                                order (so writers on several nodes never deadlock); answers id, last_seq, state
 * @param storedByIdempotencyKey  the messages already stored under the given keys: four arrays of equal length
 *                                (conversation, sender kind, sender id, client message id)
 * @param participantsOf          the participants of the given conversations (one array of ids), read under the lock so
 *                                that who may send and who receives is what the database holds at commit; answers
 *                                conversation id, kind, participant id, each conversation's in joining order
 * @param appendGroup             PostgreSQL only (null on H2, which has no data-modifying WITH; it runs {@link #INSERT}
 *                                and {@link #ADVANCE} as two JDBC batches): stores a group's new messages and moves each
 *                                conversation's last sequence in one statement, one round trip whatever the group's size.
 *                                Takes the group's time, ten arrays of equal length (conversation, seq, client message id,
 *                                sender kind, sender id, body, attachment id, name, type, size), then the conversations'
 *                                ids and their new last sequences
 */
record LogStatements(String lockConversations, String storedByIdempotencyKey, String participantsOf, String appendGroup) {

    /** A message row, as {@link #message} reads it. */
    static final String COLUMNS = "conversation_id, seq, client_message_id, sender_kind, sender_id, body, created_at, lost, "
            + "attachment_id, attachment_name, attachment_type, attachment_size";
    static final String INSERT = "insert into messages (" + COLUMNS + ") values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
    /** Moves one conversation's last sequence (H2's group, as a batch, and a seal). */
    static final String ADVANCE = "update conversations set last_seq = ? where id = ?";
    private static final String KEYS = "unnest(cast(? as varchar array), cast(? as varchar array), cast(? as varchar array), "
            + "cast(? as varchar array)) as k(c, kind, sender, client_id)";
    private static final String SAME_KEY = "m.conversation_id = k.c and m.sender_kind = k.kind and m.sender_id = k.sender "
            + "and m.client_message_id = k.client_id";

    static final LogStatements POSTGRES = new LogStatements(
            // The nested loop walks the array in its (sorted) order, taking each row lock in turn.
            "select c.id, c.last_seq, c.state from unnest(cast(? as varchar array)) as k(id) cross join lateral "
                    + "(select id, last_seq, state from conversations where id = k.id limit 1 for update) c",
            "select m.* from " + KEYS + " cross join lateral (select " + COLUMNS + " from messages m where " + SAME_KEY
                    + " limit 1) m",
            // Per key, a range of the primary key (conversation_id, kind, participant_id). "offset 0" keeps the subquery
            // from being flattened into a join, which on an empty table hashes the keys against a sequential scan.
            "select k.id, p.kind, p.participant_id from unnest(cast(? as varchar array)) as k(id) "
                    + "cross join lateral (select kind, participant_id, joined_at from conversation_participants "
                    + "where conversation_id = k.id offset 0) p order by k.id, p.joined_at, p.kind, p.participant_id",
            // Each conversation's row found by a LATERAL probe of the primary key, then updated by its ctid: a plain join
            // to unnest(), and even "id = any(...)", plans a sequential scan while the table is empty.
            "with stored as (insert into messages (" + COLUMNS + ") select m.c, m.seq, m.client_id, m.kind, m.sender, m.body, "
                    + "cast(? as timestamp), false, m.a_id, m.a_name, m.a_type, m.a_size from unnest(cast(? as varchar array), "
                    + "cast(? as bigint array), cast(? as varchar array), cast(? as varchar array), cast(? as varchar array), "
                    + "cast(? as varchar array), cast(? as varchar array), cast(? as varchar array), cast(? as varchar array), "
                    + "cast(? as bigint array)) as m(c, seq, client_id, kind, sender, body, a_id, a_name, a_type, a_size)) "
                    + "update conversations c set last_seq = u.last_seq from unnest(cast(? as varchar array), "
                    + "cast(? as bigint array)) as u(id, last_seq) cross join lateral (select ctid from conversations "
                    + "where id = u.id limit 1) x where c.ctid = x.ctid");

    static final LogStatements H2 = new LogStatements(
            "select id, last_seq, state from conversations where id = any(?) order by id for update",
            "select " + prefixed(COLUMNS) + " from " + KEYS + " join messages m on " + SAME_KEY,
            "select conversation_id, kind, participant_id from conversation_participants where conversation_id = any(?) "
                    + "order by conversation_id, joined_at, kind, participant_id",
            null);

    static Message message(java.sql.ResultSet rs, int row) throws java.sql.SQLException {
        return new Message(rs.getString(1), rs.getLong(2), rs.getString(3),
                Participant.of(rs.getString(4), rs.getString(5)),
                rs.getString(6), rs.getTimestamp(7).toInstant(), rs.getBoolean(8), attachment(rs));
    }

    private static Attachment attachment(java.sql.ResultSet rs) throws java.sql.SQLException {
        String id = rs.getString(9);
        return id == null ? null : new Attachment(id, rs.getString(10), rs.getString(11), rs.getLong(12));
    }

    /** The parameters of {@link #INSERT} for {@code m}. */
    static Object[] insertRow(Message m) {
        Attachment a = m.attachment();
        return new Object[]{m.conversationId(), m.seq(), m.clientMessageId(), m.sender().kind().label(), m.sender().id(),
                m.text(), java.sql.Timestamp.from(m.sentAt()), m.lost(),
                a == null ? null : a.id(), a == null ? null : a.name(), a == null ? null : a.contentType(),
                a == null ? null : a.size()};
    }

    static LogStatements of(JdbcTemplate jdbc) {
        String product = jdbc.execute((java.sql.Connection c) -> c.getMetaData().getDatabaseProductName());
        return product != null && product.toLowerCase(Locale.ROOT).contains("postgres") ? POSTGRES : H2;
    }

    private static String prefixed(String columns) {
        return "m." + columns.replace(", ", ", m.");
    }
}
