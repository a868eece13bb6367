package org.deskframe.messaging.internal;

import java.util.LinkedHashMap;
import java.util.Map;
import java.security.SecureRandom;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Participant;
import org.deskframe.messaging.ReceiptRecorded;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

@Repository
class JdbcConversations implements Conversations {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;

    JdbcConversations(JdbcClient jdbc, TransactionTemplate tx, ApplicationEventPublisher events) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
    }

    @Override
    public Conversation start(String orgId, Participant creator, List<Participant> others, String subject) {
        String id = "c_" + randomId();
        LinkedHashSet<Participant> members = new LinkedHashSet<>();
        members.add(creator);
        members.addAll(others);
        // The columns keep microseconds: what is returned is what a read would give back, without the read.
        Instant created = Instant.now().truncatedTo(ChronoUnit.MICROS);
        Timestamp now = Timestamp.from(created);
        tx.executeWithoutResult(s -> {
            jdbc.sql("insert into conversations (id, org_id, subject, state, last_seq, created_at) values (?, ?, ?, 'open', 0, ?)")
                    .params(id, orgId, subject, now).update();
            for (Participant p : members) {
                jdbc.sql("insert into conversation_participants (conversation_id, kind, participant_id, joined_at, delivered_seq, read_seq) "
                        + "values (?, ?, ?, ?, 0, 0)").params(id, kind(p), p.id(), now).update();
            }
        });
        // In load's order (joined at the same instant: by kind, then id).
        List<Participant> ordered = members.stream()
                .sorted(Comparator.comparing((Participant p) -> kind(p)).thenComparing(Participant::id)).toList();
        return new Conversation(id, orgId, subject, "open", 0, ordered, created);
    }

    @Override
    public Optional<Conversation> findFor(String orgId, Participant member, String conversationId) {
        return load(conversationId).filter(c -> c.orgId().equals(orgId) && c.includes(member));
    }

    @Override
    public List<Conversation> listFor(String orgId, Participant member) {
        List<String> ids = jdbc.sql("select c.id from conversations c join conversation_participants p on p.conversation_id = c.id "
                        + "where c.org_id = ? and p.kind = ? and p.participant_id = ? order by c.created_at desc, c.id")
                .params(orgId, kind(member), member.id()).query(String.class).list();
        List<Conversation> result = new ArrayList<>();
        for (String id : ids) load(id).ifPresent(result::add);
        return result;
    }

    @Override
    public Map<String, ReadPosition> readPositions(String orgId, Participant member) {
        Map<String, ReadPosition> positions = new LinkedHashMap<>();
        jdbc.sql("select p.conversation_id, p.read_seq, (select count(*) from messages m where m.conversation_id = p.conversation_id "
                        + "and m.seq > p.read_seq and not m.lost and not (m.sender_kind = p.kind and m.sender_id = p.participant_id)) "
                        + "from conversation_participants p join conversations c on c.id = p.conversation_id "
                        + "where c.org_id = ? and p.kind = ? and p.participant_id = ?")
                .params(orgId, kind(member), member.id())
                .query((rs, n) -> positions.put(rs.getString(1), new ReadPosition(rs.getLong(2), rs.getLong(3))))
                .list();
        return positions;
    }

    /**
     * The participant's delivered position in the conversation (0 for one that never acknowledged anything, such as an
     * agent just assigned), or empty when it does not take part.
     */
    java.util.OptionalLong deliveredPosition(String conversationId, Participant participant) {
        return jdbc.sql("select delivered_seq from conversation_participants where conversation_id = ? and kind = ? and participant_id = ?")
                .params(conversationId, kind(participant), participant.id()).query(Long.class).optional()
                .map(java.util.OptionalLong::of).orElse(java.util.OptionalLong.empty());
    }

    @Override
    public void recordReceipt(Conversation c, Participant participant, String kind, long seq) {
        String column = switch (kind) {
            case "delivered" -> "delivered_seq";
            case "read" -> "read_seq";
            default -> throw new IllegalArgumentException("receipt kind must be delivered or read");
        };
        // Read implies delivered: a read position also lifts the delivered one, so delivered >= read always holds.
        String alsoDelivered = kind.equals("read") ? ", delivered_seq = case when delivered_seq < ? then ? else delivered_seq end" : "";
        List<Object> params = new ArrayList<>(List.of(seq));
        if (!alsoDelivered.isEmpty()) params.addAll(List.of(seq, seq));
        params.addAll(List.of(c.id(), kind(participant), participant.id(), seq));
        int n = jdbc.sql("update conversation_participants set " + column + " = ?" + alsoDelivered + " where conversation_id = ? "
                        + "and kind = ? and participant_id = ? and " + column + " < ?")
                .params(params).update();
        if (n > 0) {
            events.publishEvent(new ReceiptRecorded(c.orgId(), c.id(), participant, kind, seq, c.participants()));
        }
    }

    // routing
    @Override
    public void addParticipant(String conversationId, Participant participant) {
        // One statement: inserted unless it is there already.
        jdbc.sql("insert into conversation_participants (conversation_id, kind, participant_id, joined_at, delivered_seq, read_seq) "
                        + "select ?, ?, ?, ?, 0, 0 where not exists (select 1 from conversation_participants "
                        + "where conversation_id = ? and kind = ? and participant_id = ?)")
                .params(conversationId, kind(participant), participant.id(), Timestamp.from(Instant.now()),
                        conversationId, kind(participant), participant.id()).update();
    }

    @Override
    public void removeParticipant(String conversationId, Participant participant) {
        jdbc.sql("delete from conversation_participants where conversation_id = ? and kind = ? and participant_id = ?")
                .params(conversationId, kind(participant), participant.id()).update();
    }

    @Override
    public void markClosed(String conversationId) {
        jdbc.sql("update conversations set state = 'closed' where id = ? and state <> 'closed'").param(conversationId).update();
    }

    /** Receipt positions of every participant, for history and resume. */
    Optional<Conversation> load(String id) {
        record Row(String orgId, String subject, String state, long lastSeq, Instant createdAt) {}
        Optional<Row> row = jdbc.sql("select org_id, subject, state, last_seq, created_at from conversations where id = ?").param(id)
                .query((rs, n) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getTimestamp(5).toInstant()))
                .optional();
        if (row.isEmpty()) return Optional.empty();
        List<Participant> members = jdbc.sql("select kind, participant_id from conversation_participants where conversation_id = ? "
                        + "order by joined_at, kind, participant_id").param(id)
                .query((rs, n) -> Participant.of(rs.getString(1), rs.getString(2)))
                .list();
        Row r = row.get();
        return Optional.of(new Conversation(id, r.orgId(), r.subject(), r.state(), r.lastSeq(), members, r.createdAt()));
    }

    private static String kind(Participant p) {
        return p.kind().label();
    }

    private static String randomId() {
        byte[] b = new byte[12];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
