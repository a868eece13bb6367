package org.deskframe.messaging.internal;

import java.util.Objects;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deskframe.cluster.ClusterBus;
import org.deskframe.cluster.ClusterMessage;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.LocalSessions;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.Pushes;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.MessagePosted;
import org.deskframe.messaging.Participant;
import org.deskframe.messaging.ReceiptRecorded;
import org.deskframe.protocol.FrameCodec;
import org.deskframe.protocol.ServerFrame;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Puts messaging's events on the participants' open sessions. Each session keeps, per conversation, the last sequence
 * it was sent (its cursor, attached to the session); a message is sent only if it is the next one, a gap is filled from
 * the log first, and anything at or below the cursor is dropped. That makes delivery to a session in-order and
 * exactly-once however live events, other nodes' events and resume replays interleave.
 */
@Component
class MessageDelivery {

    static final int REPLAY_PAGE = 500;
    /** conversation id -> last sequence sent to the session; read and written under the session's monitor. */
    static final GatewaySession.Attachment<Map<String, Long>> CURSORS = GatewaySession.Attachment.of(() -> new ConcurrentHashMap<>(4));

    /** A message committed on another node, for this node's sessions of its recipients. */
    @ClusterMessage.Name("messaging.posted")
    record PostedElsewhere(MessagePosted event) implements ClusterMessage {}

    private final LocalSessions sessions;
    private final Pushes pushes;
    private final ClusterBus bus;
    private final ConversationLog log;
    private final Views views;
    private final JdbcConversations conversations;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    MessageDelivery(LocalSessions sessions, Pushes pushes, ClusterBus bus, ConversationLog log, Views views,
            JdbcConversations conversations) {
        this.conversations = conversations;
        this.sessions = sessions;
        this.pushes = pushes;
        this.bus = bus;
        this.log = log;
        this.views = views;
        // Off the cluster thread, which must not wait on sockets or the log.
        bus.subscribe(PostedElsewhere.class, p -> executor.execute(() -> deliverToLocalSessions(p.event().message(), p.event().recipients())));
        // The fast path lost something (a gap in another node's sequence, an outage): the log has it.
        bus.onLoss(since -> catchUpSoon(0));
    }

    /** Catch-ups asked for and not yet started: losses come in bursts, one pass serves them all. */
    private final java.util.concurrent.atomic.AtomicBoolean catchUpPending = new java.util.concurrent.atomic.AtomicBoolean();
    static final long CATCH_UP_RETRY_MILLIS = 1_000;

    private void catchUpSoon(long delayMillis) {
        if (!catchUpPending.compareAndSet(false, true)) return;
        java.util.concurrent.CompletableFuture.delayedExecutor(delayMillis, java.util.concurrent.TimeUnit.MILLISECONDS, executor).execute(() -> {
            catchUpPending.set(false);
            try {
                catchUpLocalSessions();
            } catch (RuntimeException e) {
                // The log unreadable (the database away, as it often is with a loss): a pass given up would leave the
                // sessions it did not reach without what they missed until their next message or reconnect.
                LOG.warn("cluster loss: catching up this node's sessions failed ({}); trying again in {} ms", e.toString(),
                        CATCH_UP_RETRY_MILLIS);
                catchUpSoon(CATCH_UP_RETRY_MILLIS);
            }
        });
    }

    /**
     * After the cluster may have lost messages: every session here gets what its conversations' logs hold beyond its
     * cursors, without waiting for the next message to reveal the gap.
     */
    void catchUpLocalSessions() {
        int sent = 0;
        for (GatewaySession s : sessions.all()) {
            Map<String, Long> cursors;
            synchronized (s) {
                if (!s.mayReceive(Scope.MESSAGING_READ)) continue;
                cursors = Map.copyOf(s.attachment(CURSORS));
            }
            for (Map.Entry<String, Long> c : cursors.entrySet()) {
                long after = c.getValue();
                while (true) {
                    List<Message> page = log.read(c.getKey(), after, REPLAY_PAGE);
                    for (Message m : page) {
                        deliver(s, m);
                        after = m.seq();
                        sent++;
                    }
                    if (page.size() < REPLAY_PAGE) break;
                }
            }
        }
        if (sent > 0) LOG.info("cluster loss: {} messages the fast path had not delivered were sent from the log", sent);
    }

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(MessageDelivery.class);

    /** A message committed on this node: to this node's sessions, and to the other nodes for theirs. */
    @EventListener
    void on(MessagePosted event) {
        // Off the log writer's thread: a slow socket or a gap fill must never hold up commits.
        executor.execute(() -> deliverToLocalSessions(event.message(), event.recipients()));
        // Best effort: a message lost on the way is filled in by the next one, and by any resume.
        bus.publish(new PostedElsewhere(event));
    }

    /** Delivers a message to this node's sessions of its recipients (from this node's log or another node's). */
    void deliverToLocalSessions(Message message, List<Participant> recipients) {
        String encoded = null; // once for all the sessions, and only if this node has any of them
        for (Participant p : recipients) {
            String key = principalKey(p);
            if (key == null) continue;
            for (GatewaySession s : sessions.of(key)) {
                if (encoded == null) encoded = FrameCodec.encode(messageFrame(message));
                deliver(s, message, encoded);
            }
        }
    }

    @EventListener
    void on(ReceiptRecorded event) {
        ServerFrame frame = new ServerFrame.Receipt(event.conversationId(), views.participant(event.participant()),
                event.kind(), event.seq());
        executor.execute(() -> pushes.push(keys(event.recipients()), frame, Scope.MESSAGING_READ, null));
    }

    void typing(Conversation c, Participant from, GatewaySession origin) {
        pushes.push(keys(c.participants()), new ServerFrame.Typing(c.id(), views.participant(from)), Scope.MESSAGING_READ, origin);
    }

    void conversationStarted(Conversation c, GatewaySession origin) {
        pushes.push(keys(c.participants()), new ServerFrame.ConversationFrame(null, views.conversation(c)), Scope.MESSAGING_READ, origin);
    }

    /** Sets where the session stands before it receives anything (its resume positions, from the handshake). */
    void startAt(GatewaySession session, Map<String, Long> positions) {
        synchronized (session) {
            session.attachment(CURSORS).putAll(positions);
        }
    }

    /**
     * Sends everything after {@code after} in order and moves the cursor there; returns the last sequence sent. With
     * {@code fromCursor}, starts at the session's cursor if live delivery has already gone further.
     */
    long replay(GatewaySession session, Conversation c, long after, boolean fromCursor) {
        synchronized (session) {
            Map<String, Long> cursors = session.attachment(CURSORS);
            long cursor = fromCursor ? Math.max(after, cursors.getOrDefault(c.id(), after)) : after;
            while (true) {
                List<Message> page = log.read(c.id(), cursor, REPLAY_PAGE);
                for (Message m : page) {
                    // Paced: a client catching up on a long conversation is not a slow one.
                    if (!session.sendPaced(messageFrame(m))) return cursor;
                    cursor = m.seq();
                }
                if (page.size() < REPLAY_PAGE) break;
            }
            cursors.put(c.id(), cursor);
            return cursor;
        }
    }

    void resetCursor(GatewaySession session, String conversationId, long seq) {
        synchronized (session) {
            session.attachment(CURSORS).put(conversationId, seq);
        }
    }

    void deliver(GatewaySession session, Message m) {
        deliver(session, m, null);
    }

    /** As above, with the message's frame already encoded (null: encoded here, if it is sent). */
    private void deliver(GatewaySession session, Message m, String encoded) {
        synchronized (session) {
            if (!session.mayReceive(Scope.MESSAGING_READ)) return;
            Map<String, Long> cursors = session.attachment(CURSORS);
            Long cursor = cursors.get(m.conversationId());
            long from = cursor == null ? firstPosition(session, m) : cursor;
            if (m.seq() <= from) return;
            if (m.seq() > from + 1) {
                for (Message missed : log.read(m.conversationId(), from, (int) Math.min(m.seq() - from - 1, 10_000))) {
                    if (missed.seq() >= m.seq()) break;
                    // Paced: filling a newly joined participant's history is a replay, not a slow reader.
                    if (!session.sendPaced(messageFrame(missed))) return;
                    from = missed.seq();
                }
            }
            cursors.put(m.conversationId(), session.send(encoded != null ? encoded : FrameCodec.encode(messageFrame(m))) ? m.seq() : from);
        }
    }

    /**
     * Where a session that named no position for a conversation starts: after what its participant acknowledged as
     * delivered. An agent just assigned has acknowledged nothing, so the conversation's history comes before its first
     * live message instead of after it (which a resume sent on accept would otherwise bring); a widget that sends
     * receipts gets only what it has not acknowledged.
     */
    private long firstPosition(GatewaySession session, Message m) {
        try {
            long delivered = conversations.deliveredPosition(m.conversationId(), MessagingOps.member(session).participant())
                    .orElse(m.seq() - 1);
            return Math.min(delivered, m.seq() - 1);
        } catch (RuntimeException e) {
            // The database away: the live message now, the history by the client's resume.
            LOG.debug("delivered position of {} not read: {}", m.conversationId(), e.toString());
            return m.seq() - 1;
        }
    }

    ServerFrame messageFrame(Message m) {
        return new ServerFrame.MessagePush(views.message(m));
    }

    /**
     * An internal note, to the sessions of the conversation's agents only: customer participants are left out here, and
     * a note never enters the message log, so neither replay, history nor resume can carry it to them.
     */
    void noteAdded(Conversation c, ConversationNotes.Note note, GatewaySession origin) {
        pushes.push(noteRecipients(c), new ServerFrame.NoteFrame(null, views.note(note)), Scope.MESSAGING_READ, origin);
    }

    /** The principals a note is pushed to: the conversation's agents, never its customers. */
    static List<String> noteRecipients(Conversation c) {
        return c.participants().stream().filter(p -> p.kind() == Participant.Kind.AGENT).map(MessageDelivery::principalKey).toList();
    }

    /** The principal whose sessions a participant reads from: agents now, customers with guest sessions. */
    static String principalKey(Participant p) {
        return switch (p.kind()) {
            case AGENT -> Principal.keyOfAgent(p.id());
            case CUSTOMER -> Principal.keyOfCustomer(p.id());
            case QUEUE, SYSTEM -> null;
        };
    }

    private static List<String> keys(List<Participant> participants) {
        return participants.stream().map(MessageDelivery::principalKey).filter(Objects::nonNull).toList();
    }
}
