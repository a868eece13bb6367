package org.deskframe.gateway;

import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationViews;
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
 * Pushes messaging events to the open sessions of their participants. Each session keeps, per conversation, the
 * last sequence it was sent; a message is sent only if it is the next one, a gap is filled from the log first,
 * and anything at or below the cursor is dropped. That makes delivery to a session in-order and exactly-once no
 * matter how live events and resume replays interleave.
 */
@Component
class LiveDelivery {

    private final SessionRegistry registry;
    private final ConversationLog log;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    LiveDelivery(SessionRegistry registry, ConversationLog log, org.springframework.context.ApplicationEventPublisher events) {
        this.registry = registry;
        this.log = log;
        this.events = events;
    }

    @EventListener
    void on(MessagePosted event) {
        // Off the log writer's thread: a slow socket or a gap fill must never hold up commits.
        executor.execute(() -> deliverToLocalSessions(event.message(), event.recipients()));
    }

    /** Delivers a message to this node's sessions of its recipients (from this node's log or another node's). */
    void deliverToLocalSessions(Message message, List<Participant> recipients) {
        for (Participant p : recipients) {
            if (p.kind() != Participant.Kind.AGENT) continue;
            for (StreamSession s : registry.ofAgent(p.id())) {
                deliver(s, message);
            }
        }
    }

    /** Sends a frame to this node's sessions of these agents (a frame another node fanned out). */
    void sendToLocalSessions(List<String> agents, String frame) {
        for (String agent : agents) {
            for (StreamSession s : registry.ofAgent(agent)) {
                sendIfReadable(s, frame);
            }
        }
    }

    @EventListener
    void on(ReceiptRecorded event) {
        String frame = FrameCodec.encode(new ServerFrame.Receipt(event.conversationId(), ConversationViews.of(event.participant()),
                event.kind(), event.seq()));
        executor.execute(() -> broadcast(event.recipients(), frame, null));
    }

    void typing(Conversation c, Participant from, StreamSession origin) {
        String frame = FrameCodec.encode(new ServerFrame.Typing(c.id(), ConversationViews.of(from)));
        broadcast(c.participants(), frame, origin);
    }

    void conversationStarted(Conversation c, StreamSession origin) {
        String frame = FrameCodec.encode(new ServerFrame.ConversationFrame(null, ConversationViews.of(c)));
        broadcast(c.participants(), frame, origin);
    }

    /**
     * Sends everything after {@code after} in order and moves the cursor there; returns the last sequence sent.
     * With {@code fromCursor}, starts at the session's cursor if live delivery has already gone further.
     */
    long replay(StreamSession session, Conversation c, long after, boolean fromCursor) {
        synchronized (session) {
            long cursor = fromCursor ? Math.max(after, session.cursors.getOrDefault(c.id(), after)) : after;
            while (true) {
                List<Message> page = log.read(c.id(), cursor, StreamHandler.HISTORY_PAGE);
                for (Message m : page) {
                    // Paced: a client catching up on a long conversation is not a slow one.
                    if (!session.sendPaced(FrameCodec.encode(messageFrame(m)), StreamSession.PACED_WAIT_MS)) return cursor;
                    cursor = m.seq();
                }
                if (page.size() < StreamHandler.HISTORY_PAGE) break;
            }
            session.cursors.put(c.id(), cursor);
            return cursor;
        }
    }

    void resetCursor(StreamSession session, String conversationId, long seq) {
        synchronized (session) {
            session.cursors.put(conversationId, seq);
        }
    }

    void deliver(StreamSession session, Message m) {
        synchronized (session) {
            if (!canRead(session)) return;
            Long cursor = session.cursors.get(m.conversationId());
            long from = cursor == null ? m.seq() - 1 : cursor;
            if (m.seq() <= from) return;
            if (m.seq() > from + 1) {
                for (Message missed : log.read(m.conversationId(), from, (int) Math.min(m.seq() - from - 1, 10_000))) {
                    if (missed.seq() >= m.seq()) break;
                    if (!sendMessage(session, missed)) return;
                    from = missed.seq();
                }
            }
            if (sendMessage(session, m)) {
                session.cursors.put(m.conversationId(), m.seq());
            } else {
                session.cursors.put(m.conversationId(), from);
            }
        }
    }

    private boolean sendMessage(StreamSession session, Message m) {
        return session.send(FrameCodec.encode(messageFrame(m)));
    }

    private void broadcast(List<Participant> participants, String frame, StreamSession origin) {
        List<String> agents = participants.stream().filter(p -> p.kind() == Participant.Kind.AGENT).map(Participant::id).toList();
        for (String agent : agents) {
            for (StreamSession s : registry.ofAgent(agent)) {
                if (s != origin) sendIfReadable(s, frame);
            }
        }
        events.publishEvent(new ClusterFrame(agents, frame));
    }

    private static void sendIfReadable(StreamSession s, String frame) {
        synchronized (s) {
            if (canRead(s)) s.send(frame);
        }
    }

    private static boolean canRead(StreamSession s) {
        return s.state == StreamSession.State.READY && s.token != null && s.token.scopes().contains(Scope.MESSAGING_READ.value());
    }

    static ServerFrame messageFrame(Message m) {
        return new ServerFrame.MessagePush(ConversationViews.of(m));
    }
}
