package org.deskframe.identity;

import java.util.List;
import java.util.Optional;

/** Organisations of this deployment. */
public interface OrgDirectory {
    Optional<Org> find(String id);
    List<Org> all();
    /** Creates the org in this deployment's region; fails with {@code resource.conflict} if the id is taken. */
    Org create(String id, String name);
    Org rename(String id, String name);
}
