package org.deskframe.identity;

/**
 * An OAuth client was changed in a way that can end open sessions (disabled, or lost {@code embed} or an embedding
 * origin). Published after the change and its {@link AccessChanges} entry are written.
 */
public record OAuthClientChanged(String clientId, String orgId) {}
