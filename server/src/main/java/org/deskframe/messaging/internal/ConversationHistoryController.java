package org.deskframe.messaging.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.deskframe.messaging.Conversation;
import org.deskframe.messaging.ConversationViews;
import org.deskframe.messaging.ConversationLog;
import org.deskframe.messaging.Conversations;
import org.deskframe.messaging.Message;
import org.deskframe.messaging.Participant;
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

    static final int MAX_LIMIT = 500;

    private final Conversations conversations;
    private final ConversationLog log;

    ConversationHistoryController(Conversations conversations, ConversationLog log) {
        this.conversations = conversations;
        this.log = log;
    }

    @GetMapping
    @Operation(summary = "The caller's conversations, newest first")
    Map<String, Object> list(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token) {
        Participant me = member(token);
        return Map.of("conversations", conversations.listFor(token.orgId(), me).stream().map(ConversationViews::of).toList());
    }

    @GetMapping("/{id}/messages")
    @Operation(summary = "Messages with seq > after, in sequence order; page with the last seq returned")
    Map<String, Object> messages(@io.swagger.v3.oas.annotations.Parameter(hidden = true) VerifiedToken token, @PathVariable String id, @RequestParam(defaultValue = "0") long after,
                                 @RequestParam(defaultValue = "100") int limit) {
        Participant me = member(token);
        if (after < 0 || limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", "after must be >= 0 and limit between 1 and " + MAX_LIMIT));
        }
        Conversation c = conversations.findFor(token.orgId(), me, id)
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + id)));
        List<Message> page = log.read(c.id(), after, limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversation", c.id());
        body.put("lastSeq", c.lastSeq());
        body.put("messages", page.stream().map(ConversationViews::of).toList());
        body.put("next", page.size() == limit ? page.getLast().seq() : null);
        return body;
    }

    private static Participant member(VerifiedToken token) {
        token.requireScopes(List.of(Scope.MESSAGING_READ.value()), "the conversation history API");
        if (token.agentId() == null) {
            throw ProblemException.of(ErrorCode.TOKEN_NOT_AGENT, Map.of("client", token.clientId()));
        }
        return Participant.agent(token.agentId());
    }
}
