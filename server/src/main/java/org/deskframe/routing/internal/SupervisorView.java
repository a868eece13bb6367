package org.deskframe.routing.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.protocol.QueueView;
import org.deskframe.routing.AgentStatus;
import org.springframework.stereotype.Component;

/**
 * What a supervisor sees of one org's queues, read from routing's rows as they stand (the HTTP snapshot and every
 * {@code queues} frame come from here). An agent routing has never seen counts as offline with the default capacity.
 */
@Component
class SupervisorView {

    private final RoutingStore store;
    private final QueueDirectory queues;
    private final AgentDirectory agents;

    SupervisorView(RoutingStore store, QueueDirectory queues, AgentDirectory agents) {
        this.store = store;
        this.queues = queues;
        this.agents = agents;
    }

    /**
     * The org's queues at {@code now} (the database's clock, {@code SharedClock}, on which enqueue times are stamped):
     * four statements whatever the number of queues and members.
     */
    List<QueueView> queues(String orgId, Instant now) {
        Map<String, Map<String, RoutingStore.QueueLoad>> work = new HashMap<>();
        for (RoutingStore.QueueLoad l : store.openWorkByQueue(orgId)) {
            work.computeIfAbsent(l.queueId(), k -> new HashMap<>()).put(l.state(), l);
        }
        Map<String, List<RoutingStore.MemberStanding>> membersByQueue = new HashMap<>();
        for (RoutingStore.MemberStanding m : store.membersOfOrg(orgId)) {
            membersByQueue.computeIfAbsent(m.queueId(), k -> new ArrayList<>()).add(m);
        }
        Map<String, String> names = displayNames(orgId);
        List<QueueView> out = new ArrayList<>();
        for (Queue q : queues.inOrg(orgId).stream().sorted(java.util.Comparator.comparing(Queue::id)).toList()) {
            Map<String, RoutingStore.QueueLoad> byState = work.getOrDefault(q.id(), Map.of());
            RoutingStore.QueueLoad waiting = byState.get("waiting");
            Instant oldest = waiting == null ? null : waiting.oldestEnqueuedAt();
            long longest = oldest == null ? 0 : Math.max(0, Duration.between(oldest, now).toSeconds());
            Map<String, Integer> byPresence = new LinkedHashMap<>();
            for (AgentStatus s : AgentStatus.values()) byPresence.put(s.label(), 0);
            List<QueueView.Member> members = new ArrayList<>();
            for (RoutingStore.MemberStanding m : membersByQueue.getOrDefault(q.id(), List.of())) {
                QueueView.Member member = member(m, names);
                byPresence.merge(member.status(), 1, Integer::sum);
                members.add(member);
            }
            out.add(new QueueView(q.id(), q.name(), count(waiting), longest, oldest, count(byState.get("offered")),
                    count(byState.get("assigned")), byPresence, members));
        }
        return out;
    }

    /** Agent id to display name for the org's agents (one read; an id without an agent shows as itself). */
    Map<String, String> displayNames(String orgId) {
        Map<String, String> names = new HashMap<>();
        for (Agent a : agents.inOrg(orgId)) names.put(a.id(), a.displayName());
        return names;
    }

    /** A member as views list it: an agent routing has never seen is offline with the default capacity. */
    static QueueView.Member member(RoutingStore.MemberStanding m, Map<String, String> names) {
        String status = m.status() == null ? AgentStatus.OFFLINE.label() : m.status().label();
        return new QueueView.Member(m.agentId(), names.getOrDefault(m.agentId(), m.agentId()), status, m.load(), m.capacity());
    }

    private static int count(RoutingStore.QueueLoad l) {
        return l == null ? 0 : l.count();
    }
}
