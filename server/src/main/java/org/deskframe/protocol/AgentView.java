package org.deskframe.protocol;

/** The agent a session belongs to, as the {@code ready} frame names it. */
public record AgentView(String id, String username, String displayName, String org) {}
