package org.deskframe.identity;

/** A routing queue of an organisation (routing uses it; identity only owns its registration). */
public record Queue(String id, String orgId, String name) {}
