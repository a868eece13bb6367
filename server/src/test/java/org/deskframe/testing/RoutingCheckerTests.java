package org.deskframe.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deskframe.testing.RoutingChecker.Event;
import org.deskframe.testing.RoutingChecker.Report;
import org.deskframe.testing.RoutingChecker.ToldAssigned;
import org.junit.jupiter.api.Test;

/** The routing checker on hand-made histories: it passes a sound one and reports each kind of fault it is there for. */
class RoutingCheckerTests {

    private final List<Event> events = new ArrayList<>();

    private RoutingCheckerTests event(String conversation, String kind, String agent) {
        events.add(new Event(events.size() + 1, conversation, kind, agent));
        return this;
    }

    /** An event the database recorded {@code atMs} after a fixed instant. */
    private RoutingCheckerTests at(long atMs, String conversation, String kind, String agent) {
        events.add(new Event(events.size() + 1, conversation, kind, agent, T0.plusMillis(atMs)));
        return this;
    }

    static final java.time.Instant T0 = java.time.Instant.parse("2026-12-06T12:00:00Z");
    static final RoutingChecker.Timers TIMERS = new RoutingChecker.Timers(java.time.Duration.ofSeconds(10), java.time.Duration.ofSeconds(2));

    private Report checkTimed(Map<String, String> finalStates) {
        return RoutingChecker.check(events, Map.of("a1", 2, "a2", 2), finalStates, finalStates.keySet(), List.of(), TIMERS);
    }

    /** Queued, offered to {@code agent}, accepted. */
    private RoutingCheckerTests served(String conversation, String agent) {
        return event(conversation, "queued", null).event(conversation, "offered", agent).event(conversation, "accepted", agent);
    }

    private Report check(Map<String, String> finalStates, List<ToldAssigned> told) {
        return RoutingChecker.check(events, Map.of("a1", 2, "a2", 2), finalStates, finalStates.keySet(), told);
    }

    @Test
    void aSoundHistoryIsClean() {
        served("c1", "a1").served("c2", "a1").event("c1", "closed", "a1");
        // an offer that timed out goes to the next agent
        event("c3", "queued", null).event("c3", "offered", "a1").event("c3", "timed_out", "a1")
                .event("c3", "offered", "a2").event("c3", "accepted", "a2");
        served("c4", "a1").event("c2", "closed", "a1").event("c3", "closed", "a2").event("c4", "closed", "a1");
        Report r = check(Map.of("c1", "closed", "c2", "closed", "c3", "closed", "c4", "closed"),
                List.of(new ToldAssigned("a1", "c1"), new ToldAssigned("a2", "c3")));
        assertThat(r.clean()).as(r.toString()).isTrue();
        assertThat(r.highestLoad()).containsEntry("a1", 2).containsEntry("a2", 1);
        assertThat(r.neverClosed()).isZero();
        assertThat(r.conversations()).isEqualTo(4);
    }

    @Test
    void aConversationOfferedToASecondAgentWhileTheFirstHoldsItIsAssignedTwice() {
        served("c1", "a1").event("c1", "offered", "a2").event("c1", "closed", "a1");
        Report r = check(Map.of("c1", "closed"), List.of());
        assertThat(r.assignedTwice()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void anAgentHoldingMoreThanItsCapacityAtAnyInstantIsAViolation() {
        // a1 (capacity 2) holds two, then is offered a third before either closes; all close in the end.
        served("c1", "a1").served("c2", "a1").served("c3", "a1");
        event("c1", "closed", "a1").event("c2", "closed", "a1").event("c3", "closed", "a1");
        Report r = check(Map.of("c1", "closed", "c2", "closed", "c3", "closed"), List.of());
        assertThat(r.capacityViolations()).isEqualTo(1);
        assertThat(r.highestLoad()).containsEntry("a1", 3);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void theSameLoadSpreadOverTimeIsNoViolation() {
        served("c1", "a1").served("c2", "a1").event("c1", "closed", "a1").served("c3", "a1");
        event("c2", "closed", "a1").event("c3", "closed", "a1");
        Report r = check(Map.of("c1", "closed", "c2", "closed", "c3", "closed"), List.of());
        assertThat(r.capacityViolations()).isZero();
        assertThat(r.clean()).as(r.toString()).isTrue();
    }

    @Test
    void aConversationThatNeverReachedAnAgentOrHasNoRowIsDropped() {
        // c1 offered but the offer withdrawn and never offered again, then closed; c2 a customer's with no routing row.
        event("c1", "queued", null).event("c1", "offered", "a1").event("c1", "withdrawn", "a1").event("c1", "closed", null);
        Report r = RoutingChecker.check(events, Map.of("a1", 2), Map.of("c1", "closed"), List.of("c1", "c2"), List.of());
        assertThat(r.dropped()).isEqualTo(2);
        assertThat(r.neverClosed()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void anAssignmentAnAgentWasToldOfThatTheAuditDoesNotHoldIsReported() {
        served("c1", "a1").event("c1", "closed", "a1");
        Report r = check(Map.of("c1", "closed"), List.of(new ToldAssigned("a2", "c1")));
        assertThat(r.acceptedNotAssigned()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void anAcceptOfAnOfferTheAgentDidNotHoldIsUnmatched() {
        event("c1", "queued", null).event("c1", "offered", "a1").event("c1", "accepted", "a2").event("c1", "closed", "a1");
        Report r = check(Map.of("c1", "closed"), List.of());
        assertThat(r.unmatchedReleases()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void aTransferMovesTheLoadToItsTarget() {
        served("c1", "a1").served("c2", "a2").served("c3", "a2");
        // a2 is full (2): a transfer of c1 to it would be a third
        event("c1", "transferred", "a2");
        Report r = check(Map.of("c1", "assigned", "c2", "assigned", "c3", "assigned"), List.of());
        assertThat(r.capacityViolations()).isEqualTo(1);
        assertThat(r.highestLoad()).containsEntry("a1", 1).containsEntry("a2", 3);
    }

    @Test
    void aTransferToAnotherAgentIsNotADoubleAssignment() {
        served("c1", "a1").event("c1", "transferred", "a2").event("c1", "closed", "a2");
        // to a queue (no agent): offered there again, to the agent that transferred it even
        served("c2", "a1").event("c2", "transferred", null).event("c2", "offered", "a1").event("c2", "accepted", "a1")
                .event("c2", "closed", "a1");
        Report r = check(Map.of("c1", "closed", "c2", "closed"), List.of(new ToldAssigned("a2", "c1"), new ToldAssigned("a1", "c2")));
        assertThat(r.clean()).as(r.toString()).isTrue();
        assertThat(r.highestLoad()).containsEntry("a1", 1).containsEntry("a2", 1);
    }

    @Test
    void anOfferThatTimedOutBeforeTheQueuesTimeoutIsEarly() {
        // c1's offer withdrawn as timed out after 3 s of a 10 s timeout (a sweeper whose clock jumped ahead); c2's after 10 s.
        at(0, "c1", "queued", null).at(0, "c1", "offered", "a1").at(3_000, "c1", "timed_out", "a1")
                .at(3_000, "c1", "offered", "a2").at(3_500, "c1", "accepted", "a2").at(4_000, "c1", "closed", "a2");
        at(0, "c2", "queued", null).at(100, "c2", "offered", "a1").at(10_200, "c2", "timed_out", "a1")
                .at(10_200, "c2", "offered", "a1").at(10_300, "c2", "accepted", "a1").at(11_000, "c2", "closed", "a1");
        Report r = checkTimed(Map.of("c1", "closed", "c2", "closed"));
        assertThat(r.earlyTimeouts()).isEqualTo(1);
        assertThat(r.clean()).isFalse();
    }

    @Test
    void anOfferToAnAgentInItsAfterContactWorkIsAViolationAndOneAfterItIsNot() {
        at(0, "c1", "queued", null).at(0, "c1", "offered", "a1").at(100, "c1", "accepted", "a1").at(1_000, "c1", "closed", "a1");
        // a1's after-contact work lasts until 3 s: c2 offered at 1.5 s breaks it, c3 at 3.1 s does not
        at(1_400, "c2", "queued", null).at(1_500, "c2", "offered", "a1").at(1_600, "c2", "accepted", "a1");
        at(3_000, "c3", "queued", null).at(3_100, "c3", "offered", "a2").at(3_200, "c3", "accepted", "a2");
        Report bad = checkTimed(Map.of("c1", "closed", "c2", "assigned", "c3", "assigned"));
        assertThat(bad.offeredInAfterContactWork()).isEqualTo(1);
        assertThat(bad.clean()).isFalse();

        events.clear();
        at(0, "c1", "queued", null).at(0, "c1", "offered", "a1").at(100, "c1", "accepted", "a1").at(1_000, "c1", "closed", "a1");
        at(2_900, "c2", "queued", null).at(3_100, "c2", "offered", "a1").at(3_200, "c2", "accepted", "a1");
        // an offer made and closed before it was accepted starts no after-contact work
        at(3_300, "c3", "queued", null).at(3_300, "c3", "offered", "a2").at(3_400, "c3", "closed", "a2").at(3_500, "c4", "offered", "a2");
        Report good = checkTimed(Map.of("c1", "closed", "c2", "assigned", "c3", "closed", "c4", "offered"));
        assertThat(good.offeredInAfterContactWork()).as(good.toString()).isZero();
        assertThat(good.earlyTimeouts()).isZero();
    }
}
