package org.deskframe.routing.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * That routing's state changed on this node, and whose: an org's (a conversation's place, a queue's work) or an
 * agent's (its presence, load or memberships; the listener knows its org, which never changes). Listeners are told
 * after the change commits (at once outside a transaction), so whatever they read then already sees it; they must be
 * quick (the supervisor feed only notes it and schedules its debounced push).
 */
@Component
class RoutingChanges {

    /** Told of each change once it is visible; both methods are called on the committing thread. */
    interface Listener {
        void orgChanged(String orgId);

        void agentChanged(String agentId);
    }

    private final List<Listener> listeners = new CopyOnWriteArrayList<>();

    void onChange(Listener listener) {
        listeners.add(listener);
    }

    void orgChanged(String orgId) {
        afterCommit(() -> {
            for (Listener l : listeners) l.orgChanged(orgId);
        });
    }

    void agentChanged(String agentId) {
        afterCommit(() -> {
            for (Listener l : listeners) l.agentChanged(agentId);
        });
    }

    private void afterCommit(Runnable tell) {
        if (listeners.isEmpty()) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    tell.run();
                }
            });
        } else {
            tell.run();
        }
    }
}
