package org.deskframe.messaging.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariDataSource;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Participant;
import org.deskframe.storage.SyncedH2Files;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The group commit's set queries on the server's own schema: one text per engine whatever the group size, and plans
 * that probe the indexes even on an empty table (the case where PostgreSQL used to cache a sequential scan for the
 * life of the connection), read with EXPLAIN; then the log itself, with groups of many sizes and repeated client ids.
 */
class LogStatementsTests {

    static final String POSTGRES = "jdbc:postgresql://127.0.0.1:5432/test";

    @Test
    void onAnEmptyPostgresTableEvenTheGenericPlansProbeTheIndexes() throws Exception {
        String schema = "deskframe_plans_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (HikariDataSource ds = postgres(schema)) {
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(LogStatements.of(jdbc)).isSameAs(LogStatements.POSTGRES);
            try (Connection c = ds.getConnection(); var s = c.createStatement()) {
                s.execute("set plan_cache_mode = force_generic_plan");
                s.execute("prepare lock_conversations(varchar[]) as " + numbered(LogStatements.POSTGRES.lockConversations()));
                s.execute("prepare stored_keys(varchar[], varchar[], varchar[], varchar[]) as "
                        + numbered(LogStatements.POSTGRES.storedByIdempotencyKey()));
                s.execute("prepare participants_of(varchar[]) as " + numbered(LogStatements.POSTGRES.participantsOf()));
                String lock = plan(s, "explain execute lock_conversations('{c_a,c_b}')");
                String lookup = plan(s, "explain execute stored_keys('{c_a,c_b}', '{agent,agent}', '{a1,a2}', '{m1,m2}')");
                String members = plan(s, "explain execute participants_of('{c_a,c_b}')");
                s.execute("prepare append_group(timestamp, varchar[], bigint[], varchar[], varchar[], varchar[], varchar[], "
                        + "varchar[], varchar[], varchar[], bigint[], varchar[], bigint[]) as "
                        + numbered(LogStatements.POSTGRES.appendGroup()));
                String append = plan(s, "explain execute append_group(localtimestamp, '{c_a,c_b}', '{1,1}', '{m1,m2}', "
                        + "'{agent,agent}', '{a1,a2}', '{hi,ho}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}', '{NULL,NULL}', "
                        + "'{c_a,c_b}', '{1,1}')");
                assertThat(lock).contains("Index Scan using conversations_pkey on conversations").doesNotContain("Seq Scan");
                assertThat(lookup).contains("Index Scan using messages_idempotency on messages").doesNotContain("Seq Scan");
                assertThat(members).containsPattern("Index (Only )?Scan using conversation_participants_pkey").doesNotContain("Seq Scan");
                assertThat(append).contains("Insert on messages").contains("conversations_pkey").doesNotContain("Seq Scan");
            }
        } finally {
            dropSchema(schema);
        }
    }

    @Test
    void onH2TheKeysAreJoinedToTheirIndexes(@TempDir Path dir) throws Exception {
        SyncedH2Files.register();
        try (HikariDataSource ds = dataSource("jdbc:h2:" + SyncedH2Files.SCHEME + ":" + dir.resolve("log") + ";WRITE_DELAY=0", "sa", null)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            JdbcTemplate jdbc = new JdbcTemplate(ds);
            assertThat(LogStatements.of(jdbc)).isSameAs(LogStatements.H2);
            String lock = String.join("\n", jdbc.queryForList("explain " + LogStatements.H2.lockConversations(), String.class,
                    (Object) new String[]{"c_a", "c_b"}));
            String lookup = String.join("\n", jdbc.queryForList("explain " + LogStatements.H2.storedByIdempotencyKey(), String.class,
                    new String[]{"c_a"}, new String[]{"agent"}, new String[]{"a1"}, new String[]{"m1"}));
            String members = String.join("\n", jdbc.queryForList("explain " + LogStatements.H2.participantsOf(), String.class,
                    (Object) new String[]{"c_a", "c_b"}));
            assertThat(lock).contains("PRIMARY_KEY").contains("IN(");
            assertThat(members).containsPattern("INDEX\\w*: CONVERSATION_ID IN\\(");
            assertThat(lookup).containsPattern("MESSAGES_IDEMPOTENCY\\w*: CONVERSATION_ID = K.C");
        }
    }

    @Test
    void groupsOfEverySizeOnPostgresStoreEachMessageOnceAndAnswerRepeatsWithTheStoredOne() throws Exception {
        String schema = "deskframe_plans_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffffL);
        try (HikariDataSource ds = postgres(schema)) {
            appendsAreIdempotentInGroupsOfEverySize(ds);
        } finally {
            dropSchema(schema);
        }
    }

    @Test
    void groupsOfEverySizeOnH2StoreEachMessageOnceAndAnswerRepeatsWithTheStoredOne(@TempDir Path dir) throws Exception {
        SyncedH2Files.register();
        try (HikariDataSource ds = dataSource("jdbc:h2:" + SyncedH2Files.SCHEME + ":" + dir.resolve("log") + ";WRITE_DELAY=0", "sa", null)) {
            appendsAreIdempotentInGroupsOfEverySize(ds);
        }
    }

    /** Bursts of 1..200 sends (so the writer forms groups of many sizes), half of them repeats of earlier client ids. */
    private static void appendsAreIdempotentInGroupsOfEverySize(HikariDataSource ds) throws Exception {
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        JdbcClient jdbc = JdbcClient.create(ds);
        Participant a = Participant.agent("a1");
        List<Conversation> convs = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            String id = "c_plan_" + i;
            jdbc.sql("insert into conversations (id, org_id, subject, state, last_seq, created_at) values (?, 'demo', null, 'open', 0, ?)")
                    .params(id, Timestamp.from(Instant.now())).update();
            join(jdbc, id, a);
            convs.add(new Conversation(id, "demo", null, "open", 0, List.of(a), Instant.now()));
        }
        GroupCommitLog log = new GroupCommitLog(jdbc, new JdbcTemplate(ds), new TransactionTemplate(new JdbcTransactionManager(ds)), e -> { },
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
        try {
            List<String> sent = new ArrayList<>();
            java.util.Map<String, Long> seqOf = new java.util.HashMap<>();
            int duplicates = 0;
            for (int burst = 1; burst <= 200; burst += 13) {
                List<java.util.concurrent.CompletableFuture<ConversationLog.Appended>> acks = new ArrayList<>();
                List<String> ids = new ArrayList<>();
                for (int i = 0; i < burst; i++) {
                    boolean repeat = !sent.isEmpty() && i % 2 == 1;
                    String id = repeat ? sent.get(ThreadLocalRandom.current().nextInt(sent.size())) : UUID.randomUUID().toString();
                    Conversation c = convs.get(Math.floorMod(id.hashCode(), convs.size()));
                    ids.add(id);
                    acks.add(log.append(c, a, id, "text " + id));
                }
                for (int i = 0; i < burst; i++) {
                    ConversationLog.Appended ack = acks.get(i).join();
                    String id = ids.get(i);
                    Long before = seqOf.putIfAbsent(id, ack.message().seq());
                    if (before != null) {
                        duplicates++;
                        assertThat(ack.duplicate()).as("repeat of %s", id).isTrue();
                        assertThat(ack.message().seq()).as("repeat of %s answers the stored seq", id).isEqualTo(before);
                    } else {
                        assertThat(ack.duplicate()).as("first send of %s", id).isFalse();
                        sent.add(id);
                    }
                }
            }
            assertThat(duplicates).isGreaterThan(100);
            long stored = jdbc.sql("select count(*) from messages").query(Long.class).single();
            assertThat(stored).isEqualTo(sent.size());
            for (Conversation c : convs) {
                List<Long> seqs = jdbc.sql("select seq from messages where conversation_id = ? order by seq").param(c.id()).query(Long.class).list();
                long last = jdbc.sql("select last_seq from conversations where id = ?").param(c.id()).query(Long.class).single();
                assertThat(seqs).as("gapless from 1 in %s", c.id())
                        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, last).boxed().toList());
            }
        } finally {
            log.stop();
        }
    }

    @Test
    void whenTheSenderLeftSinceItsViewThenTheLogRefusesItAndDeliversToTheParticipantsTheDatabaseHolds(@TempDir Path dir) throws Exception {
        SyncedH2Files.register();
        try (HikariDataSource ds = dataSource("jdbc:h2:" + SyncedH2Files.SCHEME + ":" + dir.resolve("log") + ";WRITE_DELAY=0", "sa", null)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            JdbcClient jdbc = JdbcClient.create(ds);
            Participant a = Participant.agent("a1");
            Participant b = Participant.agent("a2");
            Participant c = Participant.agent("a3");
            jdbc.sql("insert into conversations (id, org_id, subject, state, last_seq, created_at) values ('c_view', 'demo', null, 'open', 0, ?)")
                    .param(Timestamp.from(Instant.now())).update();
            join(jdbc, "c_view", a);
            join(jdbc, "c_view", c);
            // What a session looked up earlier: a1 and a2 took part, a3 not yet.
            Conversation view = new Conversation("c_view", "demo", null, "open", 0, List.of(a, b), Instant.now());
            List<org.deskframe.messaging.MessagePosted> posted = new java.util.concurrent.CopyOnWriteArrayList<>();
            GroupCommitLog log = new GroupCommitLog(jdbc, new JdbcTemplate(ds), new TransactionTemplate(new JdbcTransactionManager(ds)),
                    e -> posted.add((org.deskframe.messaging.MessagePosted) e), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            try {
                var refused = log.append(view, b, "m-b", "from a2, who has left");
                ConversationLog.Appended stored = log.append(view, a, "m-a", "from a1").join();
                assertThat(refused).failsWithin(java.time.Duration.ofSeconds(10)).withThrowableThat()
                        .havingCause().isInstanceOfSatisfying(org.deskframe.diagnostics.ProblemException.class,
                                p -> assertThat(p.problem().error()).isEqualTo(org.deskframe.diagnostics.ErrorCode.NOT_FOUND));
                assertThat(stored.message().seq()).isEqualTo(1);
                assertThat(jdbc.sql("select count(*) from messages").query(Long.class).single()).isEqualTo(1);
                assertThat(posted).singleElement().satisfies(e -> assertThat(e.recipients()).containsExactlyInAnyOrder(a, c));
            } finally {
                log.stop();
            }
        }
    }

    @Test
    void whenTheLogStopsThenEverySendQueuedBeforeIsAcknowledgedWithItsEventsInSequenceOrder(@TempDir Path dir) throws Exception {
        SyncedH2Files.register();
        try (HikariDataSource ds = dataSource("jdbc:h2:" + SyncedH2Files.SCHEME + ":" + dir.resolve("log") + ";WRITE_DELAY=0", "sa", null)) {
            Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
            JdbcClient jdbc = JdbcClient.create(ds);
            Participant a = Participant.agent("a1");
            List<Conversation> convs = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                jdbc.sql("insert into conversations (id, org_id, subject, state, last_seq, created_at) values (?, 'demo', null, 'open', 0, ?)")
                        .params("c_stop_" + i, Timestamp.from(Instant.now())).update();
                join(jdbc, "c_stop_" + i, a);
                convs.add(new Conversation("c_stop_" + i, "demo", null, "open", 0, List.of(a), Instant.now()));
            }
            List<org.deskframe.messaging.MessagePosted> posted = new java.util.concurrent.CopyOnWriteArrayList<>();
            GroupCommitLog log = new GroupCommitLog(jdbc, new JdbcTemplate(ds), new TransactionTemplate(new JdbcTransactionManager(ds)),
                    e -> posted.add((org.deskframe.messaging.MessagePosted) e), new io.micrometer.core.instrument.simple.SimpleMeterRegistry());
            List<java.util.concurrent.CompletableFuture<ConversationLog.Appended>> acks = new ArrayList<>();
            for (int i = 0; i < 600; i++) acks.add(log.append(convs.get(i % 3), a, "m" + i, "text " + i));
            log.stop();
            // Acknowledged by the time stop returns, each after its event (the publisher publishes, then completes).
            assertThat(acks).allSatisfy(f -> assertThat(f).isCompleted());
            assertThat(posted).hasSize(600);
            for (Conversation c : convs) {
                assertThat(posted.stream().filter(e -> e.message().conversationId().equals(c.id())).map(e -> e.message().seq()).toList())
                        .as("events of %s in sequence order", c.id())
                        .isEqualTo(java.util.stream.LongStream.rangeClosed(1, 200).boxed().toList());
            }
        }
    }

    private static void join(JdbcClient jdbc, String conversation, Participant p) {
        jdbc.sql("insert into conversation_participants (conversation_id, kind, participant_id, joined_at, delivered_seq, read_seq) "
                + "values (?, ?, ?, ?, 0, 0)").params(conversation, p.kind().label(), p.id(), Timestamp.from(Instant.now())).update();
    }

    private static HikariDataSource postgres(String schema) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(POSTGRES, "postgres", ""); var s = c.createStatement()) {
            s.execute("create schema " + schema);
        }
        HikariDataSource ds = dataSource(POSTGRES, "postgres", schema);
        Flyway.configure().dataSource(ds).locations("classpath:db/migration").load().migrate();
        return ds;
    }

    private static HikariDataSource dataSource(String url, String user, String schema) {
        HikariDataSource ds = new HikariDataSource();
        ds.setJdbcUrl(url);
        ds.setUsername(user);
        ds.setMaximumPoolSize(3);
        if (schema != null) ds.setSchema(schema);
        return ds;
    }

    private static void dropSchema(String schema) throws Exception {
        try (var c = java.sql.DriverManager.getConnection(POSTGRES, "postgres", ""); var s = c.createStatement()) {
            s.execute("drop schema if exists " + schema + " cascade");
        }
    }

    /** JDBC's ? placeholders as PREPARE's $1, $2, ... */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        for (char ch : sql.toCharArray()) {
            if (ch == '?') out.append('$').append(++n);
            else out.append(ch);
        }
        return out.toString();
    }

    private static String plan(java.sql.Statement s, String explain) throws Exception {
        StringBuilder out = new StringBuilder();
        try (var rs = s.executeQuery(explain)) {
            while (rs.next()) out.append(rs.getString(1)).append('\n');
        }
        return out.toString();
    }

}
