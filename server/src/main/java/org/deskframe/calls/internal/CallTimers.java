package org.deskframe.calls.internal;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.deskframe.calls.CallSettings;
import org.deskframe.calls.internal.CallRow.Party;
import org.deskframe.diagnostics.ErrorCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The calls' deadlines, kept in the database (a ringing call's {@code ring_expires_at}, a side's {@code detached_at}),
 * so they survive a restart and are seen by every node: each node looks every {@code sweep-interval} for calls past
 * one and ends them ({@code no_answer}, {@code peer_gone}) with the ledger's conditional update, so only one node ends
 * a call and tells both sides.
 */
@Component
class CallTimers implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallTimers.class);
    private static final List<String> LIVE = List.of(CallRow.RINGING, CallRow.CONNECTED, CallRow.HELD);

    private final CallLedger ledger;
    private final CallNotices notices;
    private final CallSettings settings;
    private volatile ScheduledExecutorService executor;

    CallTimers(CallLedger ledger, CallNotices notices, CallSettings settings) {
        this.ledger = ledger;
        this.notices = notices;
        this.settings = settings;
    }

    /** One pass: ends every call past a deadline now (also called by tests). */
    void sweep() {
        Instant now = ledger.now();
        for (String id : ledger.ringingPast(now)) {
            ledger.end(id, Party.SYSTEM, "no_answer", ErrorCode.CALL_NO_ANSWER.code(), List.of(CallRow.RINGING))
                    .ifPresent(this::ended);
        }
        for (CallRow c : ledger.detachedSince(now.minus(settings.reattachTimeout()))) {
            ledger.end(c.id(), Party.SYSTEM, "peer_gone", ErrorCode.CALL_PEER_GONE.code(), LIVE).ifPresent(this::ended);
        }
    }

    private void ended(CallRow c) {
        notices.counted(c.state());
        notices.changed(c);
    }

    @Override
    public void start() {
        executor = Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("call-timers").factory());
        long every = settings.sweepInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                sweep();
            } catch (RuntimeException e) {
                log.warn("Call timers: a sweep failed ({}); the next one retries", e.toString());
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @Override
    public void stop() {
        ScheduledExecutorService e = executor;
        executor = null;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return executor != null;
    }
}
