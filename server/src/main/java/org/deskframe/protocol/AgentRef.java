package org.deskframe.protocol;

/** An agent as a customer sees it: its id and the name to show. */
public record AgentRef(String id, String displayName) {}
