package org.deskframe.messaging.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.Message;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** History over HTTP, with the gateway's rules: scope {@code messaging:read}, own org, participants only. */
@RestController
@RequestMapping("/api/v2/conversations")
@Tag(name = "Conversations")
class ConversationHistoryController {

    private final MemberConversations conversations;
    private final Views views;

    ConversationHistoryController(MemberConversations conversations, Views views) {
        this.conversations = conversations;
        this.views = views;
    }

    @GetMapping
    @Operation(summary = "The caller's conversations, most recent activity first, with every participant's receipts")
    Map<String, Object> list(@Parameter(hidden = true) VerifiedToken token) {
        return Map.of("conversations", conversations.list(conversations.historyReader(token)));
    }

    @GetMapping("/{id}/messages")
    @Operation(summary = "Messages with seq > after, in sequence order; page with the last seq returned")
    Map<String, Object> messages(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id,
                                 @RequestParam(defaultValue = "0") long after, @RequestParam(defaultValue = "100") int limit) {
        Member me = conversations.historyReader(token);
        Conversation c = conversations.require(me, id);
        List<Message> page = conversations.history(me, c, after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversation", c.id());
        body.put("lastSeq", c.lastSeq());
        body.put("participants", views.conversation(c).participants());
        body.put("receipts", conversations.receipts(c));
        body.put("messages", page.stream().map(views::message).toList());
        body.put("next", page.size() == limit ? page.getLast().seq() : null);
        return body;
    }

    // --- staples (issue 11): internal notes, conversation search ---

    @GetMapping("/{id}/notes")
    @Operation(summary = "The conversation's internal notes (agents of the conversation only), in order")
    Map<String, Object> notes(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id) {
        Member me = conversations.historyReader(token);
        Conversation c = conversations.forNotes(me, id, false);
        return Map.of("conversation", c.id(), "notes", conversations.notes(me, c).stream().map(views::note).toList());
    }

    @GetMapping("/search")
    @Operation(summary = "Search the caller's conversations by id, message text, customer name or email, participant; "
            + "most recent activity first, paged with next as the following offset")
    Map<String, Object> search(@Parameter(hidden = true) VerifiedToken token,
                               @RequestParam(required = false) String q,
                               @RequestParam(required = false) List<String> participant,
                               @RequestParam(defaultValue = "20") int limit,
                               @RequestParam(defaultValue = "0") int offset) {
        MemberConversations.SearchPage page = conversations.search(conversations.historyReader(token), q, participant, limit, offset);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversations", page.conversations());
        body.put("next", page.next());
        return body;
    }
}
