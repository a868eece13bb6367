package org.deskframe.routing.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * What routing counts for operators (docs/observability.md): its decisions by kind ({@code offered}, {@code accepted},
 * {@code declined}, {@code timed_out}, ... as the conversation's routing history records them), counted when their
 * transaction commits (a transaction retried after a deadlock counts once), and each queue's waiting conversations and
 * longest wait, read from the shared database every few seconds (so every node reports the same figure: take max, not
 * sum, across nodes).
 */
@Component
class RoutingMetrics {

    /** The kinds RoutingStore.record writes; anything else is counted as {@code other} (tags stay bounded). */
    static final Set<String> KINDS = Set.of("queued", "offered", "accepted", "declined", "timed_out", "withdrawn",
            "assigned", "requeued", "transferred", "closed");

    private final MeterRegistry registry;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final MultiGauge waiting;
    private final MultiGauge longestWait;
    private final ObjectProvider<RoutingStore> store;
    private final Clock clock;

    RoutingMetrics(MeterRegistry registry, ObjectProvider<RoutingStore> store, org.deskframe.storage.SharedClock sharedClock) {
        this.registry = registry;
        this.store = store;
        // the clock routing stamps enqueued_at with
        this.clock = sharedClock.clock();
        this.waiting = MultiGauge.builder("deskframe.routing.queue.waiting")
                .description("Conversations waiting in the queue (not offered, not assigned)").register(registry);
        this.longestWait = MultiGauge.builder("deskframe.routing.queue.longest.wait").baseUnit("seconds")
                .description("How long the queue's oldest waiting conversation has waited").register(registry);
    }

    void recorded(String kind) {
        Counter c = counter(KINDS.contains(kind) ? kind : "other");
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    c.increment();
                }
            });
        } else {
            c.increment();
        }
    }

    private Counter counter(String kind) {
        return counters.computeIfAbsent(kind, k -> Counter.builder("deskframe.routing.events")
                .description("Routing decisions by kind, as the conversations' routing history records them")
                .tag("kind", k).register(registry));
    }

    /** Every 5 s: one grouped query over the waiting work of every queue; a queue with none waiting reads 0 then goes. */
    @Scheduled(fixedDelay = 5_000, initialDelay = 1_000)
    void readQueues() {
        List<RoutingStore.QueueWait> queues = store.getObject().waitingByQueue();
        long now = clock.millis();
        waiting.register(queues.stream().map(q -> MultiGauge.Row.of(tags(q), q.waiting())).toList(), true);
        longestWait.register(queues.stream().map(q -> MultiGauge.Row.of(tags(q),
                Math.max(0, now - q.oldestSince().toEpochMilli()) / 1000.0)).toList(), true);
    }

    private static Tags tags(RoutingStore.QueueWait q) {
        return Tags.of("org", q.orgId(), "queue", q.queueId());
    }
}
