package org.deskframe.identity;

/**
 * One entry of the access-change feed: something that open sessions standing on it must re-check.
 *
 * @param position the entry's place in the feed (increasing in insert order; see {@link AccessChanges} for commits)
 * @param subject  a token's {@code jti}, an agent's id or an OAuth client's id, as {@code kind} says
 */
public record AccessChange(long position, Kind kind, String subject) {

    public enum Kind {
        /** An access token was revoked. */
        TOKEN,
        /** An agent was disabled or its roles changed. */
        AGENT,
        /** An OAuth client was disabled, or lost its {@code embed} capability or an embedding origin. */
        CLIENT
    }
}
