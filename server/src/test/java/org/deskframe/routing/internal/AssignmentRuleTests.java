package org.deskframe.routing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** The assignment choice, alone: who may take a conversation and who comes first. */
class AssignmentRuleTests {

    static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    static AssignmentRule.Candidate agent(String id, int load, int capacity, int idleSinceSeconds, String... skills) {
        return new AssignmentRule.Candidate(id, true, load, capacity, T0.plusSeconds(idleSinceSeconds), Set.of(skills));
    }

    @Test
    void theLeastLoadedComesFirstThenTheOneIdleLongest() {
        var busy = agent("a", 2, 3, 0);
        var idleLong = agent("b", 0, 3, 10);
        var idleShort = agent("c", 0, 3, 20);
        assertThat(AssignmentRule.rank(List.of(busy, idleShort, idleLong), Set.of(), Set.of()))
                .extracting(AssignmentRule.Candidate::agentId).containsExactly("b", "c", "a");
    }

    @Test
    void agentsAtCapacityWithoutTheSkillsOrUnavailableAreNeverChosenAndThoseWhoPassedComeLast() {
        var full = agent("full", 3, 3, 0, "fr");
        var noSkill = agent("noskill", 0, 3, 0);
        var passed = agent("passed", 0, 3, 0, "fr");
        var away = new AssignmentRule.Candidate("away", false, 0, 3, T0, Set.of("fr"));
        var right = agent("right", 1, 3, 50, "fr", "billing");
        assertThat(AssignmentRule.rank(List.of(full, noSkill, passed, away, right), Set.of("fr"), Set.of("passed")))
                .extracting(AssignmentRule.Candidate::agentId).containsExactly("right", "passed");
        assertThat(AssignmentRule.rank(List.of(full, noSkill), Set.of("fr"), Set.of())).isEmpty();
    }

    @Provide
    Arbitrary<List<AssignmentRule.Candidate>> candidates() {
        return Combinators.combine(Arbitraries.strings().alpha().ofLength(6), Arbitraries.of(true, false),
                        Arbitraries.integers().between(0, 5), Arbitraries.integers().between(0, 5),
                        Arbitraries.integers().between(0, 1000), Arbitraries.of("en", "fr", "de").set().ofMaxSize(3))
                .as((id, available, load, capacity, idle, skills) ->
                        new AssignmentRule.Candidate(id, available, load, capacity, T0.plusSeconds(idle), skills))
                .list().ofMaxSize(12);
    }

    @Property
    void everyRankedAgentCanTakeItAndTheFirstIsTheBestThatCan(@ForAll("candidates") List<AssignmentRule.Candidate> all,
                                                              @ForAll("skillSets") Set<String> required) {
        List<AssignmentRule.Candidate> ranked = AssignmentRule.rank(all, required, Set.of());
        assertThat(ranked).allMatch(c -> c.available() && c.load() < c.capacity() && c.skills().containsAll(required));
        long eligible = all.stream().filter(c -> c.available() && c.load() < c.capacity() && c.skills().containsAll(required)).count();
        assertThat(ranked).hasSize((int) eligible);
        if (!ranked.isEmpty()) {
            var best = ranked.getFirst();
            int lowest = ranked.stream().mapToInt(AssignmentRule.Candidate::load).min().orElseThrow();
            assertThat(best.load()).isEqualTo(lowest);
            Instant longestIdle = ranked.stream().filter(c -> c.load() == lowest).map(AssignmentRule.Candidate::idleSince)
                    .min(Comparator.naturalOrder()).orElseThrow();
            assertThat(best.idleSince()).isEqualTo(longestIdle);
        }
        assertThat(ranked).isSortedAccordingTo(AssignmentRule.PREFERENCE);
    }

    @Provide
    Arbitrary<Set<String>> skillSets() {
        return Arbitraries.of("en", "fr", "de").set().ofMaxSize(2);
    }
}
