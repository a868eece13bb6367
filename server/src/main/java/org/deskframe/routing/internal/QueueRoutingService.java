package org.deskframe.routing.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Agent;
import org.deskframe.identity.AgentDirectory;
import org.deskframe.identity.Queue;
import org.deskframe.identity.QueueDirectory;
import org.deskframe.routing.QueueRouting;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/** {@link QueueRouting} over routing's tables; every change that may free capacity routes waiting work at once. */
@Service
class QueueRoutingService implements QueueRouting {

    private static final Pattern WORD = Pattern.compile("[A-Za-z0-9_.:-]{1,64}");
    static final int MAX_CAPACITY = 100;
    static final int MAX_SECONDS = 86_400;

    private final RoutingStore store;
    private final RoutingEngine engine;
    private final QueueDirectory queues;
    private final AgentDirectory agents;
    private final TransactionTemplate tx;

    QueueRoutingService(RoutingStore store, RoutingEngine engine, QueueDirectory queues, AgentDirectory agents, TransactionTemplate tx) {
        this.store = store;
        this.engine = engine;
        this.queues = queues;
        this.agents = agents;
        this.tx = tx;
    }

    @Override
    public QueueConfig config(String orgId, String queueId) {
        Queue q = queue(orgId, queueId);
        engine.ensureQueue(q.id(), orgId);
        RoutingStore.QueueRow row = store.findQueue(q.id()).orElseThrow();
        return new QueueConfig(q.id(), row.offerTimeoutSeconds(), row.autoAccept(), row.wrapUpRequired(), store.wrapUpCodes(q.id()),
                row.acwSeconds(), row.requiredSkills());
    }

    @Override
    public QueueConfig configure(String orgId, String queueId, QueueConfig.Update u) {
        QueueConfig current = config(orgId, queueId);
        int timeout = u.offerTimeoutSeconds() != null ? bounded("offerTimeoutSeconds", u.offerTimeoutSeconds(), 1, MAX_SECONDS) : current.offerTimeoutSeconds();
        int acw = u.afterContactWorkSeconds() != null ? bounded("afterContactWorkSeconds", u.afterContactWorkSeconds(), 0, MAX_SECONDS) : current.afterContactWorkSeconds();
        Set<String> skills = u.requiredSkills() != null ? words("requiredSkills", u.requiredSkills()) : current.requiredSkills();
        List<WrapUpCode> codes = u.wrapUpCodes() != null ? u.wrapUpCodes() : current.wrapUpCodes();
        Set<String> seen = new LinkedHashSet<>();
        for (WrapUpCode c : codes) {
            if (c == null || c.code() == null || !WORD.matcher(c.code()).matches() || !seen.add(c.code())) {
                throw invalid("wrapUpCodes: each needs a unique code of 1-64 letters, digits or _.:- (got " + (c == null ? null : c.code()) + ")");
            }
            if (c.label() != null && c.label().length() > 200) throw invalid("wrapUpCodes: a label has at most 200 characters");
        }
        boolean required = u.wrapUpRequired() != null ? u.wrapUpRequired() : current.wrapUpRequired();
        if (required && codes.isEmpty()) throw invalid("wrapUpRequired needs at least one wrap-up code");
        boolean autoAccept = u.autoAccept() != null ? u.autoAccept() : current.autoAccept();
        tx.executeWithoutResult(s -> {
            store.updateQueue(queueId, timeout, autoAccept, required, acw, skills);
            store.replaceWrapUpCodes(queueId, codes.stream().map(c -> new WrapUpCode(c.code(), c.label() == null ? c.code() : c.label())).toList());
        });
        engine.requestDispatch(queueId);
        return config(orgId, queueId);
    }

    @Override
    public List<QueueMember> members(String orgId, String queueId) {
        Queue q = queue(orgId, queueId);
        return store.members(q.id()).stream().map(id -> {
            AgentRouting a = agentRouting(id, orgId);
            return new QueueMember(a.agentId(), a.status(), a.capacity(), a.load(), a.skills());
        }).toList();
    }

    @Override
    public QueueMember addMember(String orgId, String queueId, String agentId) {
        Queue q = queue(orgId, queueId);
        Agent a = directoryAgent(orgId, agentId);
        engine.ensureQueue(q.id(), orgId);
        engine.ensureAgent(a.id(), orgId);
        store.addMember(q.id(), a.id(), engine.now());
        engine.requestDispatch(q.id());
        AgentRouting r = agentRouting(a.id(), orgId);
        return new QueueMember(r.agentId(), r.status(), r.capacity(), r.load(), r.skills());
    }

    @Override
    public void removeMember(String orgId, String queueId, String agentId) {
        Queue q = queue(orgId, queueId);
        store.removeMember(q.id(), directoryAgent(orgId, agentId).id());
    }

    @Override
    public AgentRouting agent(String orgId, String agentId) {
        return agentRouting(directoryAgent(orgId, agentId).id(), orgId);
    }

    @Override
    public AgentRouting configureAgent(String orgId, String agentId, Integer capacity, Set<String> skills) {
        Agent a = directoryAgent(orgId, agentId);
        if (capacity != null) bounded("capacity", capacity, 0, MAX_CAPACITY);
        Set<String> checked = skills == null ? null : words("skills", skills);
        engine.ensureAgent(a.id(), orgId);
        store.setCapacityAndSkills(a.id(), capacity, checked);
        engine.requestDispatchForAgent(a.id());
        return agentRouting(a.id(), orgId);
    }

    private AgentRouting agentRouting(String agentId, String orgId) {
        engine.ensureAgent(agentId, orgId);
        RoutingStore.AgentRow r = store.findAgent(agentId).orElseThrow();
        return new AgentRouting(r.agentId(), r.status().label(), r.capacity(), r.load(), r.skills());
    }

    private Queue queue(String orgId, String queueId) {
        return queues.find(queueId).filter(q -> q.orgId().equals(orgId))
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Queue " + queueId)));
    }

    private Agent directoryAgent(String orgId, String agentId) {
        return agents.find(agentId).filter(a -> a.orgId().equals(orgId))
                .orElseThrow(() -> ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", "Agent " + agentId)));
    }

    private static int bounded(String field, int value, int min, int max) {
        if (value < min || value > max) throw invalid(field + " must be between " + min + " and " + max);
        return value;
    }

    private static Set<String> words(String field, Set<String> values) {
        for (String v : values) {
            if (v == null || !WORD.matcher(v).matches()) throw invalid(field + ": each is 1-64 letters, digits or _.:- (got " + v + ")");
        }
        return new LinkedHashSet<>(values);
    }

    private static ProblemException invalid(String reason) {
        return ProblemException.of(ErrorCode.REQUEST_INVALID, Map.of("reason", reason));
    }
}
