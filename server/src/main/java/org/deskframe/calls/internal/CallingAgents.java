package org.deskframe.calls.internal;

import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.routing.OnCallAgents;
import org.springframework.stereotype.Component;

/** Routing's view of calls: an agent with a call not ended is busy; when its call ends, routing is told. */
@Component
class CallingAgents implements OnCallAgents {

    private final CallLedger ledger;
    private final List<Consumer<String>> listeners = new CopyOnWriteArrayList<>();

    CallingAgents(CallLedger ledger) {
        this.ledger = ledger;
    }

    @Override
    public Set<String> onCall(Collection<String> agentIds) {
        return agentIds.isEmpty() ? Set.of() : ledger.agentsOnCall(agentIds);
    }

    @Override
    public void whenCallEnds(Consumer<String> agentId) {
        listeners.add(agentId);
    }

    /** A call ended: its agents may take work again. */
    void ended(CallRow c) {
        for (Party p : new Party[] {c.caller(), c.callee()}) {
            if (p != null && "agent".equals(p.kind())) listeners.forEach(l -> l.accept(p.id()));
        }
    }
}
