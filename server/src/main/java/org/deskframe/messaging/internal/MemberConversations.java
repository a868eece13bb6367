package org.deskframe.messaging.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.Participant;
import org.deskframe.protocol.ConversationSummary;
import org.springframework.stereotype.Component;

/**
 * Messaging's rules for a member, the same through the gateway and the HTTP API: the scope each action needs, org and
 * membership (a conversation the member may not see is indistinguishable from one that does not exist), the bounds
 * of receipts and history, who may be added to a conversation, and what a member's knowledge of lost messages means.
 */
@Component
class MemberConversations {

    static final int MAX_HISTORY_PAGE = 500;

    private final Conversations conversations;
    private final ConversationLog log;
    private final AgentDirectory agents;

    MemberConversations(Conversations conversations, ConversationLog log, AgentDirectory agents) {
        this.conversations = conversations;
        this.log = log;
        this.agents = agents;
    }

    /** The conversation, if the member takes part in it; else {@code resource.not_found}. */
    Conversation require(Member m, String conversationId) {
        return find(m, conversationId)
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + conversationId)));
    }

    Optional<Conversation> find(Member m, String conversationId) {
        return conversations.findFor(m.orgId(), m.participant(), conversationId);
    }

    Conversation start(Member m, List<String> agentIds, String subject) {
        m.require(Scope.MESSAGING_WRITE, "starting conversations");
        if (m.isCustomer()) {
            // A customer's conversation starts with its guest session, towards the deployment's queue, never with agents it names.
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason",
                    "a customer's conversation is opened by POST /api/v2/guest/sessions, not by start_conversation"));
        }
        List<Participant> others = new ArrayList<>();
        for (String agentId : agentIds) {
            var agent = agents.find(agentId).filter(a -> a.orgId().equals(m.orgId()))
                    .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + agentId)));
            others.add(Participant.agent(agent.id()));
        }
        return conversations.start(m.orgId(), m.participant(), others, subject);
    }

    /** The member's conversations, each with where the member stands in it (read position, unread count). */
    List<ConversationSummary> list(Member m) {
        m.require(Scope.MESSAGING_READ, "reading conversations");
        var positions = conversations.readPositions(m.orgId(), m.participant());
        return conversations.listFor(m.orgId(), m.participant()).stream()
                .map(c -> ConversationViews.summary(c, positions.get(c.id()))).toList();
    }

    /** A caller of the history API: the scope first (so a wrong token says what it lacks), then an agent's token. */
    Member historyReader(org.deskframe.tokens.VerifiedToken token) {
        Member m = Member.of(token);
        m.require(Scope.MESSAGING_READ, "the conversation history API");
        return m;
    }

    List<Conversation> conversations(Member m) {
        return conversations.listFor(m.orgId(), m.participant());
    }

    CompletableFuture<ConversationLog.Appended> send(Member m, Conversation c, String clientMessageId, String text) {
        return log.append(c, m.participant(), clientMessageId, text);
    }

    Conversation forSending(Member m, String conversationId) {
        m.require(Scope.MESSAGING_WRITE, "sending messages");
        return require(m, conversationId);
    }

    Conversation forTyping(Member m, String conversationId) {
        m.require(Scope.MESSAGING_WRITE, "typing indicators");
        return require(m, conversationId);
    }

    /** Records a receipt; a position beyond the last message is refused unless it proves lost messages. */
    Conversation receipt(Member m, String conversationId, String kind, long seq) {
        m.require(Scope.MESSAGING_READ, "receipts");
        Conversation c = require(m, conversationId);
        if (seq > c.lastSeq() && !sealedLost(m, c, seq)) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "seq " + seq
                    + " is beyond the conversation's last message (" + c.lastSeq() + ")"));
        }
        conversations.recordReceipt(c, m.participant(), kind, seq);
        return c;
    }

    /** One page of history: messages after {@code after}, at most {@code limit}. */
    List<Message> history(Member m, Conversation c, long after, int limit) {
        if (after < 0 || limit < 1 || limit > MAX_HISTORY_PAGE) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "after must be >= 0 and limit between 1 and "
                    + MAX_HISTORY_PAGE));
        }
        return log.read(c.id(), after, limit);
    }

    Conversation forResume(Member m, String conversationId) {
        return find(m, conversationId).orElse(null);
    }

    void requireRead(Member m) {
        m.require(Scope.MESSAGING_READ, "reading conversations");
    }

    /**
     * A member has seen sequence numbers the database does not hold: the storage lost acknowledged messages. Their
     * numbers are sealed as lost (placeholders reach every member) so they are never given to new messages; false
     * when the claim is wider than any lost write could be ({@link ConversationLog#MAX_SEALED_HOLE}).
     */
    boolean sealedLost(Member m, Conversation c, long seen) {
        return !log.sealLost(c, seen, m.participant()).join().isEmpty();
    }
}
