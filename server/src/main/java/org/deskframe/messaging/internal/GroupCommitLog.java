package org.deskframe.messaging.internal;

import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import jakarta.annotation.PreDestroy;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.messaging.Attachment;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.MessagePosted;
import org.deskframe.messaging.Participant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The conversation log with group commit: sends that arrive while a commit is in flight are written together in
 * the next transaction, then each is acknowledged. This keeps "ack only after durable" while one commit carries
 * many messages. The sequence comes from the conversation row, locked for update, so it stays gapless across nodes.
 * After each commit the writer hands the group on to one publisher thread, which publishes its events and completes its
 * sends (the acks are encoded there) in commit order, while the writer already runs the next transaction.
 */
@Component
class GroupCommitLog implements ConversationLog {

    private static final Logger log = LoggerFactory.getLogger(GroupCommitLog.class);
    /** Larger groups only lengthen the arrays of the lock and the idempotency lookup, and delay the acks. */
    static final int MAX_BATCH = 256;

    private final JdbcClient jdbc;
    private final org.springframework.jdbc.core.JdbcTemplate jdbcTemplate;
    private final TransactionTemplate tx;
    private final ApplicationEventPublisher events;
    private final LogStatements statements;
    /** Appends and seal requests, in arrival order: a seal is written between the groups before and after it. */
    private final BlockingQueue<Work> queue = new LinkedBlockingQueue<>(100_000);
    private final Thread writer;
    private volatile boolean running = true;
    /**
     * Committed groups (and seals) waiting for their events and acks, in commit order. Bounded, so a publisher that
     * falls behind holds up the writer instead of piling up acknowledged work in memory.
     */
    private final BlockingQueue<Runnable> toPublish = new LinkedBlockingQueue<>(1_024);
    private final Thread publisher;
    private volatile boolean writerDone;

    private final io.micrometer.core.instrument.Timer commits;
    private final io.micrometer.core.instrument.Counter committed;

    GroupCommitLog(JdbcClient jdbc, org.springframework.jdbc.core.JdbcTemplate jdbcTemplate, TransactionTemplate tx,
                   ApplicationEventPublisher events, io.micrometer.core.instrument.MeterRegistry metrics) {
        // One commit per group: its time is what every send of the group waits for before its ack.
        this.commits = io.micrometer.core.instrument.Timer.builder("deskframe.messaging.commits")
                .description("Group commits of the message log (each is one database transaction)")
                .publishPercentileHistogram().register(metrics);
        this.committed = io.micrometer.core.instrument.Counter.builder("deskframe.messaging.messages")
                .description("Messages stored by this node's message log (duplicates of a retried send not counted)").register(metrics);
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.tx = tx;
        this.events = events;
        this.statements = LogStatements.of(jdbcTemplate);
        this.publisher = Thread.ofPlatform().name("conversation-log-publisher").daemon(true).start(this::publish);
        this.writer = Thread.ofPlatform().name("conversation-log-writer").daemon(true).start(this::run);
    }

    private sealed interface Work permits Pending, SealLost {}

    private record Pending(Conversation conversation, Participant sender, String clientMessageId, String text,
                           Attachment attachment, CompletableFuture<Appended> result) implements Work {}

    private record SealLost(Conversation conversation, long upTo, Participant reportedBy,
                            CompletableFuture<Sealed> result) implements Work {}

    @Override
    public CompletableFuture<Appended> append(Conversation conversation, Participant sender, String clientMessageId, String text,
                                              Attachment attachment) {
        CompletableFuture<Appended> result = new CompletableFuture<>();
        if (!running || !queue.offer(new Pending(conversation, sender, clientMessageId, text, attachment, result))) {
            result.completeExceptionally(new IllegalStateException("the message log is not accepting writes (shutting down or overloaded)"));
        }
        return result;
    }

    @Override
    public CompletableFuture<Sealed> sealLost(Conversation conversation, long upTo, Participant reportedBy) {
        CompletableFuture<Sealed> result = new CompletableFuture<>();
        if (!running || !queue.offer(new SealLost(conversation, upTo, reportedBy, result))) {
            result.completeExceptionally(new IllegalStateException("the message log is not accepting writes (shutting down or overloaded)"));
        }
        return result;
    }

    @Override
    public List<Message> read(String conversationId, long after, int limit) {
        return jdbc.sql("select " + LogStatements.COLUMNS + " from messages where conversation_id = ? and seq > ? order by seq limit ?")
                .params(conversationId, after, limit)
                .query(LogStatements::message)
                .list();
    }

    private void run() {
        try {
            write();
        } finally {
            writerDone = true;
        }
    }

    private void write() {
        List<Work> drained = new ArrayList<>(MAX_BATCH);
        List<Pending> group = new ArrayList<>(MAX_BATCH);
        while (running || !queue.isEmpty()) {
            try {
                Work first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) continue;
                drained.add(first);
                queue.drainTo(drained, MAX_BATCH - 1);
                for (Work w : drained) {
                    switch (w) {
                        case Pending p -> group.add(p);
                        case SealLost seal -> {
                            if (!group.isEmpty()) commit(group);
                            group.clear();
                            seal(seal);
                        }
                    }
                }
                if (!group.isEmpty()) commit(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("conversation log writer failed a batch", e);
            } finally {
                drained.clear();
                group.clear();
            }
        }
    }

    /** Runs what commits handed on, one after the other, until the writer has stopped and nothing is left. */
    private void publish() {
        while (!writerDone || !toPublish.isEmpty()) {
            try {
                Runnable next = toPublish.poll(200, TimeUnit.MILLISECONDS);
                if (next != null) next.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                log.error("conversation log publisher failed on a committed group", e);
            }
        }
    }

    /** Hands work that must follow a commit to the publisher, behind what earlier commits handed on. */
    private void afterCommit(Runnable work) {
        try {
            toPublish.put(work);
        } catch (InterruptedException e) {
            // Only at shutdown: the commit is durable, so its acks and events still go out, here.
            Thread.currentThread().interrupt();
            work.run();
        }
    }

    /**
     * Gives every number after the stored last sequence, up to the reported one, a lost placeholder, under the same
     * row lock as appends. Loud on purpose: it means acknowledged messages are gone from the database.
     */
    private void seal(SealLost s) {
        try {
            String conv = s.conversation().id();
            Instant now = Instant.now();
            List<Message> placeholders = tx.execute(t -> {
                long last = jdbc.sql(statements.lockConversations()).param(new String[]{conv})
                        .query((rs, n) -> rs.getLong(2)).optional()
                        .orElseThrow(() -> new IllegalStateException("conversation " + conv + " does not exist"));
                if (s.upTo() <= last || s.upTo() - last > MAX_SEALED_HOLE) return List.<Message>of();
                List<Message> lost = new ArrayList<>();
                for (long seq = last + 1; seq <= s.upTo(); seq++) lost.add(Message.lost(conv, seq, now));
                jdbcTemplate.batchUpdate(LogStatements.INSERT, lost.stream().map(LogStatements::insertRow).toList());
                jdbcTemplate.update(LogStatements.ADVANCE, s.upTo(), conv);
                return lost;
            });
            if (placeholders.isEmpty()) {
                afterCommit(() -> s.result().complete(new Sealed(1, 0)));
                return;
            }
            long from = placeholders.getFirst().seq();
            log.error("conversation {}: sequence numbers {}..{} were acknowledged but are missing from the database ({} "
                    + "reported having seen up to {}); sealed as lost so they are never given to other messages. The "
                    + "database lost committed data: check its durability (docs/postgresql.md, \"What an ack survives\")",
                    conv, from, s.upTo(), s.reportedBy().key(), s.upTo());
            afterCommit(() -> {
                for (Message m : placeholders) {
                    events.publishEvent(new MessagePosted(s.conversation().orgId(), m, s.conversation().participants()));
                }
                s.result().complete(new Sealed(from, s.upTo()));
            });
        } catch (RuntimeException e) {
            afterCommit(() -> s.result().completeExceptionally(e));
        }
    }

    private void commit(List<Pending> batch) {
        List<Outcome> results;
        long started = System.nanoTime();
        try {
            results = tx.execute(s -> writeAll(batch));
            commits.record(System.nanoTime() - started, java.util.concurrent.TimeUnit.NANOSECONDS);
        } catch (RuntimeException batchFailure) {
            // One bad send must not fail its neighbours: retry each on its own.
            for (Pending p : batch) {
                try {
                    Outcome o = tx.execute(s -> writeAll(List.of(p)).getFirst());
                    afterCommit(() -> complete(p, o));
                } catch (RuntimeException e) {
                    afterCommit(() -> p.result().completeExceptionally(e));
                }
            }
            return;
        }
        // The writer reuses its list for the next group.
        List<Pending> sends = List.copyOf(batch);
        afterCommit(() -> {
            for (int i = 0; i < sends.size(); i++) complete(sends.get(i), results.get(i));
        });
    }

    /**
     * One send's outcome in its group: stored (or found already stored), with the conversation's participants as the
     * transaction read them, or refused under the lock with nothing stored.
     */
    private record Outcome(Appended appended, List<Participant> participants, ProblemException refused) {
        static Outcome refusedWith(ProblemException e) {
            return new Outcome(null, null, e);
        }
    }

    private void complete(Pending p, Outcome o) {
        if (o.refused() != null) p.result().completeExceptionally(o.refused());
        else publishAndComplete(p, o.appended(), o.participants());
    }

    /** A new message for a conversation that has ended: refused, nothing stored (a retry of a stored one is still acked). */
    private static ProblemException closed(String conversationId) {
        return ProblemException.of(ErrorCode.CONVERSATION_CLOSED, Map.of("conversation", conversationId));
    }

    /**
     * A sender the conversation no longer has (removed on any node since its session looked the conversation up): the
     * same refusal as for a conversation it never took part in.
     */
    private static ProblemException notAParticipant(String conversationId) {
        return ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + conversationId));
    }

    private void publishAndComplete(Pending p, Appended a, List<Participant> participants) {
        if (!a.duplicate()) {
            committed.increment();
            try {
                events.publishEvent(new MessagePosted(p.conversation().orgId(), a.message(), participants));
            } catch (RuntimeException e) {
                log.warn("delivering message {}#{} live failed; receivers catch up on resume", a.message().conversationId(), a.message().seq(), e);
            }
        }
        p.result().complete(a);
    }

    /**
     * Writes a group in one transaction with four round trips whatever its size (five on H2): lock the group's
     * conversation rows (in id order, so writers on several nodes never deadlock; the lock is what keeps sequences
     * gapless across nodes), read their participants, look up the client ids already stored, then insert the new
     * messages and move each conversation's last sequence (one statement on PostgreSQL, two JDBC batches on H2). Returns one outcome per pending send, in order. A
     * sender must be a participant as the database holds it under the lock (a session's view of the conversation may
     * be older), and a new message to a conversation that has ended is refused (its state is read under the same lock
     * as the close's update, so a send is either stored before the close or refused after it).
     */
    private List<Outcome> writeAll(List<Pending> batch) {
        List<String> conversations = batch.stream().map(p -> p.conversation().id()).distinct().sorted().toList();
        String[] ids = conversations.toArray(String[]::new);
        Map<String, Long> lastSeq = new HashMap<>();
        Set<String> closed = new HashSet<>();
        jdbc.sql(statements.lockConversations())
                .param(ids)
                .query((rs, n) -> {
                    if ("closed".equals(rs.getString(3))) closed.add(rs.getString(1));
                    return lastSeq.put(rs.getString(1), rs.getLong(2));
                })
                .list();
        Map<String, List<Participant>> participants = new HashMap<>();
        jdbc.sql(statements.participantsOf())
                .param(ids)
                .query((rs, n) -> participants.computeIfAbsent(rs.getString(1), k -> new ArrayList<>())
                        .add(Participant.of(rs.getString(2), rs.getString(3))))
                .list();
        Map<String, Message> stored = alreadyStored(batch);
        Outcome[] results = new Outcome[batch.size()];
        List<Message> inserts = new ArrayList<>(batch.size());
        Set<String> written = new HashSet<>();
        Instant now = Instant.now();
        for (int i = 0; i < batch.size(); i++) {
            Pending p = batch.get(i);
            String conv = p.conversation().id();
            Long last = lastSeq.get(conv);
            if (last == null) throw new IllegalStateException("conversation " + conv + " does not exist");
            List<Participant> members = participants.getOrDefault(conv, List.of());
            boolean system = p.sender().equals(Participant.SYSTEM);
            if (!system && !members.contains(p.sender())) {
                results[i] = Outcome.refusedWith(notAParticipant(conv));
                continue;
            }
            String key = idempotencyKey(conv, p.sender(), p.clientMessageId());
            Message existing = stored.get(key);
            if (existing != null) {
                results[i] = new Outcome(new Appended(existing, true), members, null);
                continue;
            }
            // The system's notices too (a transfer's, written after the transfer committed): a participant told that the
            // conversation ended reads it to its end, and nothing may be stored beyond the end it read.
            if (closed.contains(conv)) {
                results[i] = Outcome.refusedWith(closed(conv));
                continue;
            }
            long seq = last + 1;
            lastSeq.put(conv, seq);
            Message m = new Message(conv, seq, p.clientMessageId(), p.sender(), p.text(), now, false, p.attachment());
            stored.put(key, m); // a retry inside the same group is a duplicate of this one
            results[i] = new Outcome(new Appended(m, false), members, null);
            inserts.add(m);
            written.add(conv);
        }
        if (!inserts.isEmpty()) store(inserts, conversations.stream().filter(written::contains).toList(), lastSeq, now);
        return Arrays.asList(results);
    }

    /** Inserts a group's new messages and moves the last sequence of the conversations they went to. */
    private void store(List<Message> messages, List<String> advanced, Map<String, Long> lastSeq, Instant now) {
        if (statements.appendGroup() == null) {
            jdbcTemplate.batchUpdate(LogStatements.INSERT, messages.stream().map(LogStatements::insertRow).toList());
            jdbcTemplate.batchUpdate(LogStatements.ADVANCE, advanced.stream().map(c -> new Object[]{lastSeq.get(c), c}).toList());
            return;
        }
        int n = messages.size();
        String[] conversation = new String[n], clientId = new String[n], kind = new String[n], sender = new String[n],
                body = new String[n], attachmentId = new String[n], attachmentName = new String[n], attachmentType = new String[n];
        Long[] seq = new Long[n], attachmentSize = new Long[n];
        for (int i = 0; i < n; i++) {
            Message m = messages.get(i);
            conversation[i] = m.conversationId();
            seq[i] = m.seq();
            clientId[i] = m.clientMessageId();
            kind[i] = m.sender().kind().label();
            sender[i] = m.sender().id();
            body[i] = m.text();
            Attachment a = m.attachment();
            if (a != null) {
                attachmentId[i] = a.id();
                attachmentName[i] = a.name();
                attachmentType[i] = a.contentType();
                attachmentSize[i] = a.size();
            }
        }
        String[] ids = advanced.toArray(String[]::new);
        Long[] last = advanced.stream().map(lastSeq::get).toArray(Long[]::new);
        jdbc.sql(statements.appendGroup())
                .params(java.sql.Timestamp.from(now), conversation, seq, clientId, kind, sender, body, attachmentId, attachmentName,
                        attachmentType, attachmentSize, ids, last)
                .update();
    }

    /** Messages already stored under the group's idempotency keys (conversation, sender, client id), along their index. */
    private Map<String, Message> alreadyStored(List<Pending> batch) {
        List<String> conversation = new ArrayList<>(batch.size());
        List<String> senderKind = new ArrayList<>(batch.size());
        List<String> senderId = new ArrayList<>(batch.size());
        List<String> clientId = new ArrayList<>(batch.size());
        Set<String> seen = new HashSet<>();
        for (Pending p : batch) {
            if (seen.add(idempotencyKey(p.conversation().id(), p.sender(), p.clientMessageId()))) {
                conversation.add(p.conversation().id());
                senderKind.add(p.sender().kind().label());
                senderId.add(p.sender().id());
                clientId.add(p.clientMessageId());
            }
        }
        Map<String, Message> stored = new HashMap<>();
        jdbc.sql(statements.storedByIdempotencyKey())
                .params(conversation.toArray(String[]::new), senderKind.toArray(String[]::new), senderId.toArray(String[]::new),
                        clientId.toArray(String[]::new))
                .query(LogStatements::message)
                .list()
                .forEach(m -> stored.put(idempotencyKey(m.conversationId(), m.sender(), m.clientMessageId()), m));
        return stored;
    }

    private static String idempotencyKey(String conversation, Participant sender, String clientMessageId) {
        return conversation + "\u0000" + sender.key() + "\u0000" + clientMessageId;
    }

    /** Commits what was queued before the stop, then lets the publisher acknowledge it all before returning. */
    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        writer.join(5_000);
        publisher.join(5_000);
    }
}
