package org.deskframe.messaging;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * An organisation's canned responses: ready-made texts an agent inserts into the composer (and edits before sending).
 * Titles are unique within the organisation ({@code canned.title_taken}); lists are in title order.
 */
public interface CannedResponses {

    List<CannedResponse> inOrg(String orgId);

    Optional<CannedResponse> find(String id);

    CannedResponse create(String orgId, String title, String text);

    /** Fields left null are unchanged. */
    CannedResponse update(String id, String title, String text);

    void delete(String id);

    record CannedResponse(String id, String orgId, String title, String text, Instant createdAt, Instant updatedAt) {}
}
