package org.deskframe.routing.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Scope;
import org.deskframe.protocol.QueueView;
import org.deskframe.routing.QueueRouting;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * What the agent a conversation is assigned to may do with it now: the agents and queues it can be transferred to
 * (with presence and load, so the agent picks someone who can take it) and its queue's wrap-up codes. Scope
 * {@code messaging:read}; another org's conversation answers like one that does not exist, and one assigned to
 * someone else is {@code conversation.not_assigned}, as the ops that act on it are.
 */
@RestController
@RequestMapping("/api/v2/conversations")
class RoutingOptionsController {

    private final RoutingStore store;
    private final SupervisorView view;

    RoutingOptionsController(RoutingStore store, SupervisorView view) {
        this.store = store;
        this.view = view;
    }

    record Target(String id, String name, String status, int load, int capacity) {}

    record QueueTarget(String id, String name, int waiting) {}

    record Options(String conversation, String queue, boolean wrapUpRequired, List<QueueRouting.WrapUpCode> wrapUpCodes,
                   List<Target> agents, List<QueueTarget> queues) {}

    @GetMapping("/{id}/routing-options")
    @Operation(summary = "Transfer targets (agents with presence and load, queues) and wrap-up codes for a conversation assigned to the caller")
    Options options(@Parameter(hidden = true) VerifiedToken token, @PathVariable String id) {
        token.requireScopes(List.of(Scope.MESSAGING_READ.value()), "the routing options API");
        RoutingStore.WorkRow w = store.findWork(id).filter(r -> r.orgId().equals(token.orgId()))
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Conversation " + id)));
        if (token.agentId() == null || !token.agentId().equals(w.agentId()) || !"assigned".equals(w.state())) {
            throw ProblemException.of(ErrorCode.CONVERSATION_NOT_ASSIGNED, Map.of("conversation", id,
                    "agent", String.valueOf(token.agentId())));
        }
        boolean wrapUpRequired = store.findQueue(w.queueId()).map(RoutingStore.QueueRow::wrapUpRequired).orElse(false);
        List<QueueView> queues = view.queues(token.orgId(), Instant.now());
        // An agent in several queues appears once; the caller is not a target of its own transfer.
        Map<String, Target> agents = new LinkedHashMap<>();
        for (QueueView q : queues) {
            for (QueueView.Member m : q.agents()) {
                if (!m.id().equals(token.agentId())) agents.putIfAbsent(m.id(), new Target(m.id(), m.name(), m.status(), m.load(), m.capacity()));
            }
        }
        return new Options(id, w.queueId(), wrapUpRequired, store.wrapUpCodes(w.queueId()), List.copyOf(agents.values()),
                queues.stream().map(q -> new QueueTarget(q.id(), q.name(), q.waiting())).toList());
    }
}
