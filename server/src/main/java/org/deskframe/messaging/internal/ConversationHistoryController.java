package org.deskframe.messaging.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationViews;
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

    ConversationHistoryController(MemberConversations conversations) {
        this.conversations = conversations;
    }

    @GetMapping
    @Operation(summary = "The caller's conversations, newest first")
    Map<String, Object> list(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token) {
        return Map.of("conversations", conversations.conversations(conversations.historyReader(token)).stream().map(ConversationViews::of).toList());
    }

    @GetMapping("/{id}/messages")
    @Operation(summary = "Messages with seq > after, in sequence order; page with the last seq returned")
    Map<String, Object> messages(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token, @PathVariable String id, @RequestParam(defaultValue = "0") long after,
                                 @RequestParam(defaultValue = "100") int limit) {
        Member me = conversations.historyReader(token);
        Conversation c = conversations.require(me, id);
        List<Message> page = conversations.history(me, c, after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversation", c.id());
        body.put("lastSeq", c.lastSeq());
        body.put("messages", page.stream().map(ConversationViews::of).toList());
        body.put("next", page.size() == limit ? page.getLast().seq() : null);
        return body;
    }
}
