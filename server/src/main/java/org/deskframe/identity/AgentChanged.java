package org.deskframe.identity;

/**
 * An agent's roles changed (disabling publishes {@link AgentDisabled}). Published after the change and its
 * {@link AccessChanges} entry are written: open sessions of the agent re-check what they stand on.
 */
public record AgentChanged(String agentId, String orgId) {}
