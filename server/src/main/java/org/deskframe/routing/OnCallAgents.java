package org.deskframe.routing;

import java.util.Collection;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Which agents are on a voice or video call now (ringing, connected or held): routing offers them no new conversation
 * until the call ends, and then routes waiting work to them again. Implemented by the calls capability; without it
 * nobody is on a call.
 */
public interface OnCallAgents {

    /** Those of {@code agentIds} on a call now. */
    Set<String> onCall(Collection<String> agentIds);

    /** Registers what routing does when an agent's call ended on this node (routes waiting work to it). */
    void whenCallEnds(Consumer<String> agentId);
}
