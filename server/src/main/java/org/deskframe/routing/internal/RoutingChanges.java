package org.deskframe.routing.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * That routing's state (a conversation's place, an agent's presence or load, a queue's members) changed on this
 * node. Listeners are told after the change commits (at once outside a transaction), so whatever they read then
 * already sees it; they must be quick (the supervisor feed only schedules its debounced push).
 */
@Component
class RoutingChanges {

    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

    void onChange(Runnable listener) {
        listeners.add(listener);
    }

    void changed() {
        if (listeners.isEmpty()) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    tell();
                }
            });
        } else {
            tell();
        }
    }

    private void tell() {
        for (Runnable l : listeners) l.run();
    }
}
