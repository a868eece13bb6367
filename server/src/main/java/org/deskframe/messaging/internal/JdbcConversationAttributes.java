package org.deskframe.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.ConversationAttributes;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JdbcConversationAttributes implements ConversationAttributes {

    private static final Pattern NAME = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");
    static final int MAX_VALUE = 500;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ParticipantNames names;

    JdbcConversationAttributes(JdbcClient jdbc, TransactionTemplate tx, ParticipantNames names) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.names = names;
    }

    @Override
    public void describe(String conversationId, Map<String, String> attributes) {
        if (attributes == null) throw invalid("attributes are missing");
        attributes.forEach((name, value) -> {
            if (name == null || !NAME.matcher(name).matches()) throw invalid("'" + name + "' is not an attribute name");
            if (value != null && value.length() > MAX_VALUE) {
                throw invalid("the value of '" + name + "' is longer than " + MAX_VALUE + " characters");
            }
        });
        tx.executeWithoutResult(s -> {
            // Locks the conversation row: concurrent describes of one conversation count its attributes one at a time.
            if (jdbc.sql("select id from conversations where id = ? for update").param(conversationId).query(String.class).optional().isEmpty()) {
                throw ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + conversationId));
            }
            attributes.forEach((name, value) -> {
                jdbc.sql("delete from conversation_attributes where conversation_id = ? and name = ?").params(conversationId, name).update();
                if (value != null && !value.isBlank()) {
                    String v = value.strip();
                    jdbc.sql("insert into conversation_attributes (conversation_id, name, attribute_value, value_folded) values (?, ?, ?, ?)")
                            .params(conversationId, name, v, v.toLowerCase(Locale.ROOT)).update();
                }
            });
            long count = jdbc.sql("select count(*) from conversation_attributes where conversation_id = ?").param(conversationId)
                    .query(Long.class).single();
            if (count > MAX_ATTRIBUTES) throw invalid("conversation " + conversationId + " would have " + count + " attributes");
        });
        names.forgetCustomersOf(conversationId);
    }

    @Override
    public Map<String, String> of(String conversationId) {
        Map<String, String> out = new LinkedHashMap<>();
        jdbc.sql("select name, attribute_value from conversation_attributes where conversation_id = ? order by name")
                .param(conversationId).query((rs, n) -> out.put(rs.getString(1), rs.getString(2))).list();
        return out;
    }

    private static ProblemException invalid(String reason) {
        return ProblemException.of(ErrorCode.CONVERSATION_ATTRIBUTE_INVALID, Map.of("reason", reason));
    }
}
