package org.deskframe.routing.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The routing decisions of one conversation, oldest first: scope {@code routing:read}, the caller's own org; a
 * conversation of another org answers exactly like one that does not exist.
 */
@RestController
@RequestMapping("/api/v2/conversations")
class ConversationEventsController {

    private final RoutingStore store;

    ConversationEventsController(RoutingStore store) {
        this.store = store;
    }

    @GetMapping("/{id}/events")
    @Operation(summary = "The routing decisions of a conversation (queued, offered, accepted, declined, timed_out, transferred, requeued, closed)")
    Map<String, Object> events(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id) {
        token.requireScopes(List.of(Scope.ROUTING_READ.value()), "the conversation events API");
        RoutingStore.WorkRow w = store.findWork(id).filter(r -> r.orgId().equals(token.orgId()))
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + id)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("conversation", w.conversationId());
        body.put("queue", w.queueId());
        body.put("state", w.state());
        body.put("agent", w.agentId());
        body.put("events", store.events(id).stream().map(e -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("at", e.at());
            m.put("kind", e.kind());
            m.put("queue", e.queueId());
            m.put("agent", e.agentId());
            m.put("by", e.actor());
            m.put("reason", e.reason());
            m.put("detail", e.detail());
            return m;
        }).toList());
        return body;
    }
}
