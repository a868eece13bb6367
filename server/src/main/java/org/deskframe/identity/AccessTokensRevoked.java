package org.deskframe.identity;

import java.util.Set;

/**
 * Access tokens were revoked in the ledger (by the revocation endpoint, a refresh-token family's reuse, a revoked
 * authorization, or their agent being disabled): open sessions holding them must close. Published after the ledger's
 * update; the ledger stays the truth, and {@link AccessChanges} reports it to whoever missed the event.
 */
public record AccessTokensRevoked(Set<String> tokenIds) {
    public AccessTokensRevoked {
        tokenIds = Set.copyOf(tokenIds);
    }
}
