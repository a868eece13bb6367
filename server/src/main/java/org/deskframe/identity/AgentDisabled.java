package org.deskframe.identity;

/** An agent was disabled: every open session of the agent must close with {@code agent.disabled}. */
public record AgentDisabled(String agentId, String orgId) {}
