package org.deskframe.identity;

import java.util.List;

/**
 * The durable feed of what live sessions must re-check (revoked tokens, changed agents and OAuth clients), shared by
 * every node through the database. Entries are written in the same transaction as the change they report, so a
 * reader that sees an entry sees the change. Positions are taken at insert time: a transaction that commits late can
 * make an entry appear below positions already read; readers look again at such gaps for a bounded time rather than
 * trusting any clock.
 */
public interface AccessChanges {

    /** Entries with a position above {@code position}, in position order, at most {@code limit}. */
    List<AccessChange> after(long position, int limit);

    /** The highest position written so far (0 for an empty feed): where a new reader starts. */
    long head();
}
