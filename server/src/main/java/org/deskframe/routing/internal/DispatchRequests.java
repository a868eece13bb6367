package org.deskframe.routing.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a queue's dispatch off the caller's thread, at most one at a time per queue on this node: requests that arrive
 * while one runs make it run once more instead of queueing up behind the queue's row lock (200 arrivals cost a handful
 * of dispatch runs, not 200). Other nodes' runs are serialised by that row lock.
 */
final class DispatchRequests {

    private static final Logger log = LoggerFactory.getLogger(DispatchRequests.class);

    private final Consumer<String> dispatch;
    private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
    /** queue -> requests not yet served (0 or absent: idle). */
    private final ConcurrentHashMap<String, AtomicInteger> pending = new ConcurrentHashMap<>();

    DispatchRequests(Consumer<String> dispatch) {
        this.dispatch = dispatch;
    }

    void request(String queueId) {
        AtomicInteger count = pending.computeIfAbsent(queueId, q -> new AtomicInteger());
        if (count.getAndIncrement() > 0) return;
        executor.execute(() -> run(queueId, count));
    }

    private void run(String queueId, AtomicInteger count) {
        do {
            int seen = count.get();
            try {
                dispatch.accept(queueId);
            } catch (RuntimeException e) {
                // The sweeper's next pass dispatches the queue again.
                log.warn("dispatch of queue {} failed: {}", queueId, e.toString());
            }
            if (count.addAndGet(-seen) == 0) return;
        } while (true);
    }
}
