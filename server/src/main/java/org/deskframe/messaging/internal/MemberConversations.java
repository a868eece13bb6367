package org.deskframe.messaging.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import java.util.Comparator;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.messaging.CannedResponses;
import org.deskframe.protocol.AgentView;
import org.deskframe.protocol.CannedResponseView;
import org.deskframe.protocol.ReceiptView;
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

    static final int MAX_AGENTS_FOUND = 20;
    static final int MAX_SEARCH_PAGE = 100;

    private final Conversations conversations;
    private final ConversationLog log;
    private final AgentDirectory agents;
    private final Views views;
    private final ConversationFacts facts;
    private final ConversationNotes notes;
    private final CannedResponses canned;
    /** Conversations recently sent to on this node, by id: a hint for {@link #forSending}, never the authority. */
    private final Cache<String, Conversation> sendable = Caffeine.newBuilder()
            .maximumSize(20_000).expireAfterAccess(java.time.Duration.ofMinutes(10)).build();

    MemberConversations(Conversations conversations, ConversationLog log, AgentDirectory agents, Views views,
                        ConversationFacts facts, ConversationNotes notes, CannedResponses canned) {
        this.conversations = conversations;
        this.log = log;
        this.agents = agents;
        this.views = views;
        this.facts = facts;
        this.notes = notes;
        this.canned = canned;
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

    /**
     * The member's conversations, most recent activity first, each with where the member stands in it (read position,
     * unread count), when it last changed and where every participant stands.
     */
    List<ConversationSummary> list(Member m) {
        m.require(Scope.MESSAGING_READ, "reading conversations");
        return summaries(m, conversations.listFor(m.orgId(), m.participant()));
    }

    private List<ConversationSummary> summaries(Member m, List<Conversation> list) {
        var own = conversations.readPositions(m.orgId(), m.participant());
        List<String> ids = list.stream().map(Conversation::id).toList();
        var positions = facts.positions(ids);
        var activity = facts.lastActivity(ids);
        return list.stream().map(c -> views.summary(c, own.get(c.id()), activity.get(c.id()), positions.get(c.id())))
                .sorted(Comparator.comparing(ConversationSummary::lastActivityAt).reversed()
                        .thenComparing(s -> s.conversation().id()))
                .toList();
    }

    /** Every participant's delivered/read position in one conversation (history and resume replies carry them). */
    List<ReceiptView> receipts(Conversation c) {
        return views.receipts(facts.positions(List.of(c.id())).get(c.id()));
    }

    /** The same for several conversations the member was already found to take part in, in one read. */
    Map<String, List<ReceiptView>> receipts(java.util.Collection<String> conversationIds) {
        Map<String, List<ReceiptView>> out = new java.util.HashMap<>();
        facts.positions(conversationIds).forEach((id, positions) -> out.put(id, views.receipts(positions)));
        return out;
    }

    // --- staples: agent search, notes, canned responses, conversation search ---

    /** Agents of the member's org (itself excluded) whose username, id or display name contains the query. */
    List<AgentView> findAgents(Member m, String query) {
        m.require(Scope.AGENTS_READ, "searching the agent directory");
        requireAgent(m, "The agent directory's entries");
        return agents.search(m.orgId(), query, MAX_AGENTS_FOUND + 1).stream()
                .filter(a -> !(m.participant().kind() == Participant.Kind.AGENT && a.id().equals(m.participant().id())))
                .limit(MAX_AGENTS_FOUND)
                .map(a -> new AgentView(a.id(), a.username(), a.displayName(), a.orgId())).toList();
    }

    /** Notes are for the conversation's agents: a customer (or a caller that is not in it) never reads or writes them. */
    Conversation forNotes(Member m, String conversationId, boolean writing) {
        m.require(writing ? Scope.MESSAGING_WRITE : Scope.MESSAGING_READ, writing ? "writing internal notes" : "reading internal notes");
        Conversation c = require(m, conversationId);
        requireAgent(m, "Internal notes of conversation " + c.id());
        return c;
    }

    ConversationNotes.Added addNote(Member m, Conversation c, String clientNoteId, String text) {
        return notes.add(c, m.participant(), clientNoteId, text);
    }

    List<ConversationNotes.Note> notes(Member m, Conversation c) {
        return notes.list(c.id());
    }

    List<CannedResponseView> cannedResponses(Member m) {
        m.require(Scope.MESSAGING_WRITE, "canned responses");
        requireAgent(m, "Canned responses");
        return canned.inOrg(m.orgId()).stream().map(r -> new CannedResponseView(r.id(), r.title(), r.text())).toList();
    }

    record SearchPage(List<ConversationSummary> conversations, Integer next) {}

    /**
     * The member's conversations matching {@code q} (an id, words of a message or subject, a customer's name or email,
     * a participant's id or display name) and taking part of every {@code participant} ({@code agent2} or
     * {@code customer:id}); a page of at most {@code limit} from {@code offset}.
     */
    SearchPage search(Member m, String q, List<String> participantFilters, int limit, int offset) {
        m.require(Scope.MESSAGING_READ, "searching conversations");
        requireAgent(m, "Conversation searches");
        String text = q == null || q.isBlank() ? null : q.strip();
        if (text != null && text.length() < 2) throw criteria("q '" + text + "' is shorter than 2 characters");
        if (text != null && text.length() > 200) throw criteria("q is longer than 200 characters");
        List<Participant> filters = new ArrayList<>();
        for (String f : participantFilters == null ? List.<String>of() : participantFilters) {
            if (f == null || f.isBlank()) continue;
            int colon = f.indexOf(':');
            try {
                filters.add(colon < 0 ? Participant.agent(f.strip()) : Participant.of(f.substring(0, colon), f.substring(colon + 1)));
            } catch (IllegalArgumentException e) {
                throw criteria("participant '" + f + "' is not an agent id or kind:id (kinds: agent, customer)");
            }
        }
        if (text == null && filters.isEmpty()) throw criteria("neither q nor participant was given");
        if (limit < 1 || limit > MAX_SEARCH_PAGE || offset < 0) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "limit must be between 1 and "
                    + MAX_SEARCH_PAGE + " and offset >= 0"));
        }
        List<String> named = text == null ? List.of() : agents.search(m.orgId(), text, MAX_SEARCH_PAGE).stream().map(Agent::id).toList();
        List<String> ids = facts.search(m.orgId(), m.participant(),
                new ConversationFacts.Search(text, filters, named, limit + 1, offset));
        List<Conversation> found = ids.stream().limit(limit).map(id -> find(m, id)).flatMap(Optional::stream).toList();
        return new SearchPage(summaries(m, found), ids.size() > limit ? offset + limit : null);
    }

    /**
     * What only agents may see or do. Checked besides the scope, since a customer's guest token may stand for the
     * messaging scopes within its own conversations.
     */
    private static void requireAgent(Member m, String what) {
        if (m.participant().kind() != Participant.Kind.AGENT) {
            throw ProblemException.of(ErrorCode.AGENTS_ONLY, Map.of("what", what, "participant", m.participant().key()));
        }
    }

    private static ProblemException criteria(String reason) {
        return ProblemException.of(ErrorCode.SEARCH_CRITERIA_MISSING, Map.of("reason", reason));
    }
    // --- end staples ---

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
        return log.append(c, m.participant(), clientMessageId, text).whenComplete((a, e) -> {
            // The log found the sender gone from the conversation: its view here is old.
            Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
            if (cause instanceof ProblemException p && p.problem().error() == ErrorCode.NOT_FOUND) sendable.invalidate(c.id());
        });
    }

    /**
     * The conversation a send goes to, from this node's recent view when that view has the member in it: saving two
     * reads per message. The view may be older than the database (a participant removed or the conversation closed on
     * any node), which is safe because the log checks both again under the conversation's row lock before it stores
     * anything; a view without the member is never trusted (it may have been added since) and is read again.
     */
    Conversation forSending(Member m, String conversationId) {
        m.require(Scope.MESSAGING_WRITE, "sending messages");
        Conversation seen = sendable.getIfPresent(conversationId);
        if (seen != null && seen.orgId().equals(m.orgId()) && seen.includes(m.participant())) return seen;
        Conversation c = require(m, conversationId);
        sendable.put(c.id(), c);
        return c;
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
