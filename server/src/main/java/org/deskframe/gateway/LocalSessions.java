package org.deskframe.gateway;

import java.util.Collection;

/** The sessions open on this node for a principal (for capabilities that deliver with their own rules). */
public interface LocalSessions {

    Collection<? extends GatewaySession> of(String principalKey);

    /** Every session open on this node (for a catch-up after the cluster lost messages). */
    Collection<? extends GatewaySession> all();
}
