package org.deskframe.admin;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.ProblemException;
import org.deskframe.identity.Org;
import org.deskframe.identity.OrgDirectory;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.stereotype.Component;

/**
 * Keeps every admin call inside the organisation its token may administer. A deployment admin (a client token with
 * no org) reaches every org; an org's admin client reaches only its own, and anything outside it is answered exactly
 * like something that does not exist, so other tenants' ids cannot be probed.
 */
@Component
class OrgBoundary {

    private final OrgDirectory orgs;

    OrgBoundary(OrgDirectory orgs) {
        this.orgs = orgs;
    }

    /** The org named in the path when the caller administers it; otherwise the same 404 as for a missing org. */
    Org org(VerifiedToken caller, String orgId) {
        requireClientToken(caller);
        if (!isDeploymentAdmin(caller) && !caller.orgId().equals(orgId)) throw notFound("Organisation " + orgId);
        return orgs.find(orgId).orElseThrow(() -> notFound("Organisation " + orgId));
    }

    List<Org> visibleOrgs(VerifiedToken caller) {
        requireClientToken(caller);
        return isDeploymentAdmin(caller) ? orgs.all() : orgs.find(caller.orgId()).stream().toList();
    }

    /** @param operation what was asked, completing "Only the deployment administrator may ..." */
    void requireDeploymentAdmin(VerifiedToken caller, String operation) {
        requireClientToken(caller);
        if (!isDeploymentAdmin(caller)) {
            throw ProblemException.of(ErrorCode.ADMIN_DEPLOYMENT_ONLY,
                    Map.of("operation", operation, "client", caller.clientId(), "org", caller.orgId()));
        }
    }

    /**
     * The chain already demands scope admin; this also refuses an agent's token that carries it (a client with user
     * grants and scope admin), since admin rights belong to a client's own credentials.
     */
    void requireClientToken(VerifiedToken caller) {
        if (caller.isAgentToken()) {
            throw ProblemException.of(ErrorCode.ADMIN_CLIENT_TOKEN_REQUIRED, Map.of("agent", caller.agentId(), "client", caller.clientId()));
        }
    }

    /** A resource looked up by its (deployment-wide) id, if it belongs to {@code org}; otherwise the missing-resource 404. */
    static <T> T within(Org org, Optional<T> found, Function<T, String> orgOf, String resource) {
        return found.filter(r -> org.id().equals(orgOf.apply(r))).orElseThrow(() -> notFound(resource));
    }

    /** Only the deployment admin client has no organisation (see {@link org.deskframe.identity.OAuthClient}). */
    static boolean isDeploymentAdmin(VerifiedToken caller) {
        return caller.orgId() == null;
    }

    static ProblemException notFound(String resource) {
        return ProblemException.of(ErrorCode.NOT_FOUND, Map.of("resource", resource));
    }
}
