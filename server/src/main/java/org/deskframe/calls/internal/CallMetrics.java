package org.deskframe.calls.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * What calls count for operators (docs/observability.md): transitions by state and ended calls by end reason and code,
 * counted by the node that committed them; calls not ended by state, read from the shared database every few seconds
 * (so the figure is the deployment's, survives restarts, and every node reports the same: take max across nodes);
 * TURN credentials handed out, and calls a client reported relayed through TURN (Deskframe never sees allocations).
 */
@Component
class CallMetrics {

    /**
     * End codes are the catalogue's (a client's hang-up may name any of them); anything else is counted as
     * {@code other}, as is an end reason that is not one of {@link CallRow#END_REASONS}, so the tags stay bounded.
     */
    static final Set<String> CODES = java.util.Arrays.stream(org.deskframe.diagnostics.ErrorCode.values())
            .map(org.deskframe.diagnostics.ErrorCode::code).collect(java.util.stream.Collectors.toUnmodifiableSet());
    private static final List<String> LIVE = List.of(CallRow.RINGING, CallRow.CONNECTED, CallRow.HELD);

    private final MeterRegistry meters;
    private final CallLedger ledger;
    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final MultiGauge live;

    CallMetrics(MeterRegistry meters, CallLedger ledger) {
        this.meters = meters;
        this.ledger = ledger;
        this.live = MultiGauge.builder("deskframe.calls.live")
                .description("Calls not ended, by state (ringing, connected, held), as the database has them").register(meters);
    }

    /** A committed transition into {@code c.state()}; an ended call is counted by its reason and code too. */
    void transitioned(CallRow c) {
        counter("deskframe.calls.transitions", "Calls that entered a state (ringing, connected, held, ended)",
                "state", c.state()).increment();
        if (!c.ended()) return;
        String reason = CallRow.END_REASONS.contains(c.endReason()) ? c.endReason() : "other";
        String code = c.endCode() == null ? "none" : CODES.contains(c.endCode()) ? c.endCode() : "other";
        counter("deskframe.calls.ended", "Calls that ended, by end reason and the catalogue code of the cause",
                "reason", reason, "code", code).increment();
    }

    /** TURN credentials issued by GET /api/v2/calls/ice-servers, by who asked ({@code agent}, {@code customer}, {@code client}). */
    void turnCredentialIssued(String principal) {
        counter("deskframe.calls.turn.credentials", "TURN credentials handed out (coturn REST scheme) by kind of caller",
                "principal", principal).increment();
    }

    /** A call's first report of a side whose selected candidate pair goes through a TURN relay. */
    void relayed() {
        counter("deskframe.calls.relayed", "Calls a side reported relayed through TURN (counted once per call)").increment();
    }

    /** Every 5 s: one grouped count over the calls not ended (index calls_live); a state with none reads 0. */
    @Scheduled(fixedDelay = 5_000, initialDelay = 1_000)
    void readLive() {
        Map<String, Long> byState = ledger.liveByState();
        live.register(LIVE.stream().map(s -> MultiGauge.Row.of(Tags.of("state", s), byState.getOrDefault(s, 0L))).toList(), true);
    }

    private Counter counter(String name, String description, String... tags) {
        return counters.computeIfAbsent(name + "|" + String.join(",", tags),
                k -> Counter.builder(name).description(description).tags(tags).register(meters));
    }
}
