package org.deskframe.identity;

import java.util.List;
import java.util.Optional;

/** Routing queues as registered by admins. */
public interface QueueDirectory {
    Optional<Queue> find(String id);
    List<Queue> inOrg(String orgId);
    Queue create(String id, String orgId, String name);
    void delete(String id);
}
