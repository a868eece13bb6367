package org.deskframe.identity;

/**
 * An agent's record changed (disabling publishes {@link AgentDisabled} instead). Published after the change; when its
 * roles changed, also after its {@link AccessChanges} entry is written: open sessions of the agent re-check what they
 * stand on, and token checks read the agent again.
 */
public record AgentChanged(String agentId, String orgId) {}
