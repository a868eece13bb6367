package org.deskframe.messaging.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.cluster.ClusterLimits;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.diagnostics.StorageOutage;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.gateway.GatewaySession;
import org.deskframe.gateway.GatewaySettings;
import org.deskframe.gateway.OpHandler;
import org.deskframe.gateway.Principal;
import org.deskframe.gateway.SessionListener;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.ClientFrame;
import org.deskframe.protocol.ServerFrame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Messaging's ops on the gateway: send, resume, typing, receipt, start_conversation, list_conversations, and the
 * {@code resume} positions of the authenticate frame. Each adapts the session to a {@link Member} and applies
 * {@link MemberConversations}' rules; the replies echo the command's id.
 */
@Configuration(proxyBeanMethods = false)
class MessagingOps implements SessionListener {

    private static final Logger log = LoggerFactory.getLogger(MessagingOps.class);

    private final MemberConversations conversations;
    private final MessageDelivery delivery;
    private final GatewaySettings settings;
    private final ClusterLimits limits;
    private final Views views;

    MessagingOps(MemberConversations conversations, MessageDelivery delivery, GatewaySettings settings, ClusterLimits limits,
                 Views views) {
        this.conversations = conversations;
        this.delivery = delivery;
        this.settings = settings;
        this.limits = limits;
        this.views = views;
    }

    @Bean
    OpHandler<ClientFrame.Send> sendOp() {
        return OpHandler.of(ClientFrame.Send.class, this::send);
    }

    @Bean
    OpHandler<ClientFrame.Resume> resumeOp() {
        return OpHandler.of(ClientFrame.Resume.class, (s, r) -> resume(s, r.id(), r.positions(), false));
    }

    @Bean
    OpHandler<ClientFrame.Typing> typingOp() {
        return OpHandler.of(ClientFrame.Typing.class, (s, t) -> {
            Member m = member(s);
            delivery.typing(conversations.forTyping(m, t.conversation()), m.participant(), s);
        });
    }

    @Bean
    OpHandler<ClientFrame.Receipt> receiptOp() {
        return OpHandler.of(ClientFrame.Receipt.class, (s, r) -> {
            Conversation c = conversations.receipt(member(s), r.conversation(), r.kind(), r.seq());
            s.send(new ServerFrame.ReceiptOk(r.id(), c.id(), r.kind(), r.seq()));
        });
    }

    @Bean
    OpHandler<ClientFrame.StartConversation> startConversationOp() {
        return OpHandler.of(ClientFrame.StartConversation.class, (s, f) -> {
            Conversation c = conversations.start(member(s), f.agents(), f.subject());
            s.send(new ServerFrame.ConversationFrame(f.id(), views.conversation(c)));
            delivery.conversationStarted(c, s);
        });
    }

    @Bean
    OpHandler<ClientFrame.ListConversations> listConversationsOp() {
        return OpHandler.of(ClientFrame.ListConversations.class,
                (s, l) -> s.send(new ServerFrame.Conversations(l.id(), conversations.list(member(s)))));
    }

    // --- staples (issue 9/11): agent search, internal notes, canned responses ---

    @Bean
    OpHandler<ClientFrame.FindAgents> findAgentsOp() {
        return OpHandler.of(ClientFrame.FindAgents.class,
                (s, f) -> s.send(new ServerFrame.Agents(f.id(), conversations.findAgents(member(s), f.query()))));
    }

    @Bean
    OpHandler<ClientFrame.AddNote> addNoteOp() {
        return OpHandler.of(ClientFrame.AddNote.class, (s, f) -> {
            Member m = member(s);
            Conversation c = conversations.forNotes(m, f.conversation(), true);
            ConversationNotes.Added added = conversations.addNote(m, c, f.clientNoteId(), f.text());
            s.send(new ServerFrame.NoteFrame(f.id(), views.note(added.note())));
            if (!added.duplicate()) delivery.noteAdded(c, added.note(), s);
        });
    }

    @Bean
    OpHandler<ClientFrame.ListCannedResponses> listCannedResponsesOp() {
        return OpHandler.of(ClientFrame.ListCannedResponses.class,
                (s, f) -> s.send(new ServerFrame.CannedResponses(f.id(), conversations.cannedResponses(member(s)))));
    }
    // --- end staples ---

    /** Cursors first: a message posted while the handshake completes is then delivered after the backlog, in order. */
    @Override
    public void authenticated(GatewaySession session, ClientFrame.Authenticate frame) {
        if (!frame.resume().isEmpty()) delivery.startAt(session, frame.resume());
    }

    @Override
    public void ready(GatewaySession session, ClientFrame.Authenticate frame) {
        if (!frame.resume().isEmpty()) resume(session, frame.id(), frame.resume(), true);
    }

    private void send(GatewaySession session, ClientFrame.Send s) {
        Member m = member(session);
        Conversation conversation = conversations.forSending(m, s.conversation());
        // Per agent across its sessions on every node.
        int rate = settings.sendsPerSecondPerAgent();
        ClusterLimits.Rate permit = limits.tryTake("sends:" + session.principal().key(), rate, rate * 2);
        if (!permit.allowed()) {
            throw ProblemException.of(ErrorCode.RATE_LIMITED, Map.of("limit", rate
                    + " messages per second per agent; this message was not stored, send it again", "retryAfterSeconds", permit.retryAfterSeconds()));
        }
        // Sends never block (they queue in the transport), so acks leave right from the commit, in commit order.
        conversations.send(m, conversation, s.clientMessageId(), s.text()).whenComplete((appended, error) -> {
            if (error != null) {
                Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null ? error.getCause() : error;
                if (cause instanceof ProblemException refused) {
                    // A refusal the log decided under its lock (conversation.closed): nothing was stored.
                    session.send(ServerFrame.Error.of(s.id(), refused.problem()));
                    return;
                }
                log.warn("session {}: send to {} failed: {}", session.id(), conversation.id(), error.toString());
                // Not stored either way; a database outage says so, anything else (the log stopping) is a restart.
                session.send(ServerFrame.Error.of(s.id(), StorageOutage.isCause(cause)
                        ? Problem.of(ErrorCode.STORAGE_UNAVAILABLE, Map.of("path", "op 'send'"))
                        : Problem.of(ErrorCode.SERVER_RESTARTING)));
                return;
            }
            session.send(new ServerFrame.Ack(s.id(), conversation.id(), appended.message().seq(), s.clientMessageId(),
                    appended.duplicate()));
        });
    }

    /**
     * Replays each conversation after the client's position, then sends {@code caught_up}. During the handshake the
     * replay starts at the session's cursor if live delivery already moved it (so nothing is sent twice).
     */
    private void resume(GatewaySession session, String id, Map<String, Long> positions, boolean handshake) {
        Member m = member(session);
        conversations.requireRead(m);
        List<ServerFrame.CaughtUp> results = new ArrayList<>();
        Map<String, Long> replayed = new LinkedHashMap<>();
        for (var e : positions.entrySet()) {
            Conversation conversation = conversations.forResume(m, e.getKey());
            if (conversation == null) {
                results.add(ServerFrame.CaughtUp.unknown(id, e.getKey()));
                continue;
            }
            long last = conversation.lastSeq();
            if (e.getValue() > last && !conversations.sealedLost(m, conversation, e.getValue())) {
                // The client claims more than a lost write could explain: flag it, do not silently skip.
                results.add(ServerFrame.CaughtUp.positionAhead(id, e.getKey(), last, e.getValue()));
                delivery.resetCursor(session, e.getKey(), last);
                continue;
            }
            replayed.put(e.getKey(), delivery.replay(session, conversation, e.getValue(), handshake));
        }
        // Every participant's positions, read once for all the conversations replayed.
        var receipts = conversations.receipts(replayed.keySet());
        replayed.forEach((conversation, sent) -> results.add(ServerFrame.CaughtUp.ok(id, conversation, sent,
                receipts.getOrDefault(conversation, List.of()))));
        results.forEach(session::send);
    }

    /** The session's principal as the conversations' participant. */
    static Member member(GatewaySession session) {
        return switch (session.principal()) {
            case Principal.Agent a -> new Member(a.orgId(), Participant.agent(a.id()), session.token());
            case Principal.Customer c -> new Member(c.orgId(), new Participant(Participant.Kind.CUSTOMER, c.id()), session.token());
        };
    }
}
