package org.deskframe.routing.internal;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.deskframe.guest.CustomerConversationStarted;
import org.deskframe.messaging.MessagePosted;
import org.deskframe.messaging.Participant;
import org.deskframe.routing.RoutingSettings;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Where routed work comes from: a new customer conversation is queued in the publisher's thread and transaction (so
 * the conversation and its place in the queue commit together, and an event published in a transaction that rolls
 * back queues nothing), and dispatched after the commit. Messages of routed conversations keep their activity times
 * (for the unanswered and inactivity timers, to {@link RoutingSettings#activityResolution()}), off the log writer's thread.
 */
@Component
class CustomerArrivals {

    private final RoutingEngine engine;
    private final RoutingStore store;
    private final RoutingSettings settings;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();

    CustomerArrivals(RoutingEngine engine, RoutingStore store, RoutingSettings settings) {
        this.engine = engine;
        this.store = store;
        this.settings = settings;
    }

    @EventListener
    void on(CustomerConversationStarted event) {
        if (!engine.enqueue(event)) return;
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    engine.requestDispatch(event.queueId());
                }
            });
        } else {
            engine.requestDispatch(event.queueId());
        }
    }

    @EventListener
    void on(MessagePosted event) {
        if (event.recipients().stream().noneMatch(p -> p.kind() == Participant.Kind.QUEUE)) return;
        Participant sender = event.message().sender();
        String agent = sender.kind() == Participant.Kind.AGENT ? sender.id() : null;
        // Neither the system's notes nor the queue's greeting (sent as the conversation starts) is anyone's activity.
        if (sender.kind() == Participant.Kind.SYSTEM || sender.kind() == Participant.Kind.QUEUE) return;
        executor.execute(() -> store.activity(event.message().conversationId(), agent, engine.now(), settings.activityResolution()));
    }
}
