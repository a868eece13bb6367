package org.deskframe.routing.internal;

import java.time.Instant;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Who is offered a waiting conversation: among the queue's members who are available, have free capacity and every
 * skill the conversation needs, and have not passed on it already, the one with the lowest load, then the one idle longest
 * (idle since it became available, was last offered work or last ended a conversation), then by id so that the choice is deterministic. Pure: the engine supplies the rows and
 * the database's conditional update keeps the capacity invariant should a row have changed meanwhile.
 */
final class AssignmentRule {

    private AssignmentRule() {}

    /** An agent as the rule sees it. */
    record Candidate(String agentId, boolean available, int load, int capacity, Instant idleSince, Set<String> skills) {
        boolean canTake(Set<String> requiredSkills, Collection<String> passedBy) {
            return available && load < capacity && skills.containsAll(requiredSkills) && !passedBy.contains(agentId);
        }
    }

    static final Comparator<Candidate> PREFERENCE = Comparator.comparingInt(Candidate::load)
            .thenComparing(Candidate::idleSince).thenComparing(Candidate::agentId);

    /** The candidates who may take the conversation, best first. */
    static List<Candidate> rank(Collection<Candidate> candidates, Set<String> requiredSkills, Collection<String> passedBy) {
        return candidates.stream().filter(c -> c.canTake(requiredSkills, passedBy)).sorted(PREFERENCE).toList();
    }
}
