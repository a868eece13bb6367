package org.deskframe.messaging.internal;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.deskframe.messaging.Participant;
import org.springframework.jdbc.core.namedparam.NamedParameterJdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * What lists and searches read about conversations besides their rows: every participant's receipt positions, when
 * each last changed, and which of a member's conversations match a search. Reads only; the ids come from lookups
 * that already applied org and membership.
 */
@Repository
class ConversationFacts {

    /** Where a participant stands: highest delivered and read sequence (read implies delivered). */
    record Position(Participant participant, long delivered, long read) {}

    /** A search of one member's conversations; null criteria are not applied. */
    record Search(String text, List<Participant> participants, List<String> participantIds, int limit, int offset) {}

    private final NamedParameterJdbcTemplate jdbc;

    ConversationFacts(NamedParameterJdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    Map<String, List<Position>> positions(Collection<String> conversationIds) {
        Map<String, List<Position>> out = new HashMap<>();
        if (conversationIds.isEmpty()) return out;
        jdbc.query("select conversation_id, kind, participant_id, delivered_seq, read_seq from conversation_participants "
                        + "where conversation_id in (:ids) order by conversation_id, joined_at, kind, participant_id",
                Map.of("ids", conversationIds), rs -> {
                    long read = rs.getLong(5);
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(new Position(
                            Participant.of(rs.getString(2), rs.getString(3)), Math.max(rs.getLong(4), read), read));
                });
        return out;
    }

    /** The newest message's time, else the conversation's start. */
    Map<String, Instant> lastActivity(Collection<String> conversationIds) {
        Map<String, Instant> out = new HashMap<>();
        if (conversationIds.isEmpty()) return out;
        jdbc.query("select c.id, c.created_at, m.created_at from conversations c left join messages m "
                        + "on m.conversation_id = c.id and m.seq = c.last_seq where c.id in (:ids)",
                Map.of("ids", conversationIds), rs -> {
                    Timestamp started = rs.getTimestamp(2);
                    Timestamp last = rs.getTimestamp(3);
                    out.put(rs.getString(1), (last != null && last.after(started) ? last : started).toInstant());
                });
        return out;
    }

    /**
     * The member's conversations of {@code orgId} that match: {@code text} against the conversation's id, subject,
     * message texts, attributes (a customer's name and email) and participant ids (plus {@code participantIds}, the
     * agents whose display names matched); every one of {@code participants} must take part. Newest activity first.
     */
    List<String> search(String orgId, Participant member, Search s) {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("org", orgId);
        p.put("kind", member.kind().label());
        p.put("me", member.id());
        StringBuilder sql = new StringBuilder("select c.id from conversations c join conversation_participants me "
                + "on me.conversation_id = c.id and me.kind = :kind and me.participant_id = :me "
                + "left join messages lm on lm.conversation_id = c.id and lm.seq = c.last_seq where c.org_id = :org");
        if (s.text() != null) {
            p.put("exact", s.text());
            p.put("like", "%" + escapeLike(s.text().toLowerCase(Locale.ROOT)) + "%");
            p.put("ids", s.participantIds().isEmpty() ? List.of("") : s.participantIds());
            sql.append(" and (c.id = :exact or lower(coalesce(c.subject, '')) like :like escape '!'"
                    + " or exists (select 1 from messages m where m.conversation_id = c.id and not m.lost and lower(m.body) like :like escape '!')"
                    + " or exists (select 1 from conversation_attributes a where a.conversation_id = c.id and a.value_folded like :like escape '!')"
                    + " or exists (select 1 from conversation_participants o where o.conversation_id = c.id"
                    + " and (lower(o.participant_id) like :like escape '!' or (o.kind = 'agent' and o.participant_id in (:ids)))))");
        }
        int i = 0;
        for (Participant other : s.participants()) {
            p.put("pk" + i, other.kind().label());
            p.put("pi" + i, other.id());
            sql.append(" and exists (select 1 from conversation_participants w").append(i).append(" where w").append(i)
                    .append(".conversation_id = c.id and w").append(i).append(".kind = :pk").append(i).append(" and w").append(i)
                    .append(".participant_id = :pi").append(i).append(")");
            i++;
        }
        p.put("limit", s.limit());
        p.put("offset", s.offset());
        sql.append(" order by coalesce(lm.created_at, c.created_at) desc, c.id limit :limit offset :offset");
        return jdbc.queryForList(sql.toString(), p, String.class);
    }

    private static String escapeLike(String s) {
        return s.replace("!", "!!").replace("%", "!%").replace("_", "!_");
    }
}
