package org.deskframe.routing.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Who is offered a waiting conversation: among the queue's members who are available, have free capacity and every
 * skill the conversation needs, those who have not passed on it (declined it or let its offer expire) before those who
 * have (so it goes round everyone, yet never starves while someone could take it); then the one with the lowest load,
 * then the one idle longest
 * (idle since it became available, was last offered work or last ended a conversation), then by id so that the choice is deterministic. Pure: the engine supplies the rows and
 * the database's conditional update keeps the capacity invariant should a row have changed meanwhile.
 */
final class AssignmentRule {

    private AssignmentRule() {}

    /** An agent as the rule sees it. */
    record Candidate(String agentId, boolean available, int load, int capacity, Instant idleSince, Set<String> skills) {
        boolean canTake(Set<String> requiredSkills) {
            return available && load < capacity && skills.containsAll(requiredSkills);
        }
    }

    static final Comparator<Candidate> PREFERENCE = Comparator.comparingInt(Candidate::load)
            .thenComparing(Candidate::idleSince).thenComparing(Candidate::agentId);

    /** The candidates who may take the conversation, best first. */
    static List<Candidate> rank(Collection<Candidate> candidates, Set<String> requiredSkills, Collection<String> passedBy) {
        Comparator<Candidate> passedLast = Comparator.comparing(c -> passedBy.contains(c.agentId()));
        return candidates.stream().filter(c -> c.canTake(requiredSkills)).sorted(passedLast.thenComparing(PREFERENCE)).toList();
    }
}
