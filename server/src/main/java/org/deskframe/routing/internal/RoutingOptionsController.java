package org.deskframe.routing.internal;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
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
    private final QueueDirectory queues;

    RoutingOptionsController(RoutingStore store, SupervisorView view, QueueDirectory queues) {
        this.store = store;
        this.view = view;
        this.queues = queues;
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
        // Only what the pickers show: members' standings and waiting counts, no times and no per-state loads.
        Map<String, String> names = view.displayNames(token.orgId());
        // An agent in several queues appears once; the caller is not a target of its own transfer.
        Map<String, Target> agents = new LinkedHashMap<>();
        for (RoutingStore.MemberStanding m : store.membersOfOrg(token.orgId())) {
            if (m.agentId().equals(token.agentId()) || agents.containsKey(m.agentId())) continue;
            QueueView.Member member = SupervisorView.member(m, names);
            agents.put(m.agentId(), new Target(member.id(), member.name(), member.status(), member.load(), member.capacity()));
        }
        Map<String, Long> waiting = new HashMap<>();
        for (RoutingStore.QueueWait q : store.waitingByQueue(token.orgId())) waiting.put(q.queueId(), q.waiting());
        List<QueueTarget> targets = queues.inOrg(token.orgId()).stream().sorted(Comparator.comparing(Queue::id))
                .map(q -> new QueueTarget(q.id(), q.name(), waiting.getOrDefault(q.id(), 0L).intValue())).toList();
        return new Options(id, w.queueId(), wrapUpRequired, store.wrapUpCodes(w.queueId()), List.copyOf(agents.values()), targets);
    }
}
