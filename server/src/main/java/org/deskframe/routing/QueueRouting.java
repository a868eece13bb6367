package org.deskframe.routing;

import java.util.List;
import java.util.Set;

/**
 * Routing's configuration of queues and agents, as admins set it. Identity owns the queues and agents themselves;
 * every method takes the org the caller may administer and answers {@code resource.not_found} for what lies outside it.
 * Changes that free capacity (a member added, capacity raised) route waiting work at once.
 */
public interface QueueRouting {

    QueueConfig config(String orgId, String queueId);

    QueueConfig configure(String orgId, String queueId, QueueConfig.Update update);

    List<QueueMember> members(String orgId, String queueId);

    QueueMember addMember(String orgId, String queueId, String agentId);

    void removeMember(String orgId, String queueId, String agentId);

    AgentRouting agent(String orgId, String agentId);

    AgentRouting configureAgent(String orgId, String agentId, Integer capacity, Set<String> skills);

    /** A queue's routing configuration; defaults: 30 s offers, no auto-accept, wrap-up optional, no after-contact work. */
    record QueueConfig(String queueId, int offerTimeoutSeconds, boolean autoAccept, boolean wrapUpRequired,
                       List<WrapUpCode> wrapUpCodes, int afterContactWorkSeconds, Set<String> requiredSkills) {

        /** What an admin changes; null fields keep their value. */
        public record Update(Integer offerTimeoutSeconds, Boolean autoAccept, Boolean wrapUpRequired,
                             List<WrapUpCode> wrapUpCodes, Integer afterContactWorkSeconds, Set<String> requiredSkills) {}
    }

    record WrapUpCode(String code, String label) {}

    record QueueMember(String agentId, String status, int capacity, int load, Set<String> skills) {}

    /** An agent's routing state: presence, capacity (default 3), current load (offers + assigned) and skills. */
    record AgentRouting(String agentId, String status, int capacity, int load, Set<String> skills) {}
}
