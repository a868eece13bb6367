package org.deskframe.protocol;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One queue as a supervisor sees it: conversations waiting (and since when the oldest waits), offered to an agent and
 * assigned; its members by presence ({@code agentsByPresence} has every status, zeros included) and each member's load
 * against its capacity. {@code longestWaitSeconds} is 0 and {@code oldestWaitingSince} null when nobody waits.
 */
public record QueueView(String id, String name, int waiting, long longestWaitSeconds, Instant oldestWaitingSince,
                        int offered, int assigned, Map<String, Integer> agentsByPresence, List<Member> agents) {

    /** A member of the queue: its presence ({@code available}, {@code away}, ...), conversations held and its capacity. */
    public record Member(String id, String name, String status, int load, int capacity) {}
}
