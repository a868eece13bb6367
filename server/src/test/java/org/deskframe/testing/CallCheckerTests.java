package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.CallChecker.Report;
import org.deskframe.testing.CallChecker.Stored;
import org.junit.jupiter.api.Test;

/** The calls checker on hand-made records: it passes sound ones and reports each kind of fault it is there for. */
class CallCheckerTests {

    private final Map<String, Stored> stored = new LinkedHashMap<>();

    private CallCheckerTests call(String id, String endReason, String... states) {
        List<Integer> seqs = new java.util.ArrayList<>();
        for (int i = 1; i <= states.length; i++) seqs.add(i);
        stored.put(id, new Stored(states[states.length - 1], endReason, seqs, List.of(states)));
        return this;
    }

    @Test
    void soundCallsAreClean() {
        call("k1", "hangup", "ringing", "connected", "held", "connected", "ended");
        call("k2", "peer_gone", "ringing", "connected", "ended").call("k3", "no_answer", "ringing", "ended");
        Report r = CallChecker.check(stored, List.of(Map.of("k1", List.of("ringing", "connected", "ended")),
                Map.of("k2", List.of("connected", "ended"))));
        assertThat(r.clean()).as(r.toString()).isTrue();
        assertThat(r.connected()).isEqualTo(2);
        assertThat(r.endReasons()).containsEntry("hangup", 1).containsEntry("peer_gone", 1).containsEntry("no_answer", 1);
    }

    @Test
    void aCallAClientWasToldOfThatTheDatabaseLacksIsLost() {
        call("k1", "hangup", "ringing", "connected", "ended");
        Report r = CallChecker.check(stored, List.of(Map.of("k1", List.of("ringing"), "k9", List.of("ringing", "connected"))));
        assertThat(r.lost()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aCallNotEndedByTheEndIsLeftLive() {
        call("k1", null, "ringing", "connected");
        Report r = CallChecker.check(stored, List.of());
        assertThat(r.leftLive()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aHistoryOffTheStateMachineOrWithAGapIsInvalid() {
        // held straight from ringing; ended twice
        call("k1", "hangup", "ringing", "held", "ended").call("k2", "hangup", "ringing", "ended", "ended");
        stored.put("k3", new Stored("ended", "hangup", List.of(1, 3), List.of("ringing", "ended")));
        Report r = CallChecker.check(stored, List.of());
        assertThat(r.invalidHistories()).isEqualTo(3);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aClientToldOfAStateTheRecordNeverWentThroughIsReported() {
        // told connected (and ended), but the record says nobody answered
        call("k1", "no_answer", "ringing", "ended");
        Report r = CallChecker.check(stored, List.of(Map.of("k1", List.of("ringing", "connected", "ended"))));
        assertThat(r.toldNotStored()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }
}
