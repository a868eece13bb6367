package org.deskframe.identity;

/**
 * An OAuth client's registration changed. Published after the change; when the change can end open sessions
 * (disabled, or lost {@code embed} or an embedding origin), also after its {@link AccessChanges} entry is written: open
 * sessions re-check what they stand on, and token checks read the client again.
 */
public record OAuthClientChanged(String clientId, String orgId) {}
