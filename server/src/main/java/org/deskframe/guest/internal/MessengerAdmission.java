package org.deskframe.guest.internal;

import java.util.List;
import java.util.Map;
import org.deskframe.diagnostics.ErrorCode;
import org.deskframe.diagnostics.Problem;
import org.deskframe.gateway.CustomerAdmission;
import org.deskframe.guest.MessengerDeployment;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.tokens.VerifiedToken;
import org.springframework.stereotype.Component;

/**
 * The messenger's handshake checks on the deployment as it is now: a deployment deleted, or an origin removed, since
 * the guest token was issued shuts the door at the next handshake.
 */
@Component
class MessengerAdmission implements CustomerAdmission {

    private final MessengerDeployments deployments;

    MessengerAdmission(MessengerDeployments deployments) {
        this.deployments = deployments;
    }

    @Override
    public List<Problem> problems(VerifiedToken token, String embedOrigin) {
        String id = token.guest().deploymentId();
        MessengerDeployment d = deployments.find(id).filter(x -> x.orgId().equals(token.orgId())).orElse(null);
        if (d == null) return List.of(Problem.of(ErrorCode.GUEST_DEPLOYMENT_UNKNOWN, Map.of("deployment", id)));
        if (!d.allows(embedOrigin)) {
            return List.of(Problem.of(ErrorCode.GUEST_ORIGIN_NOT_ALLOWED, Map.of("deployment", d.id(),
                    "origin", embedOrigin == null ? "(none: the authenticate frame names no embedOrigin)" : embedOrigin,
                    "allowed", d.allowedOrigins().stream().sorted().toList())));
        }
        return List.of();
    }
}
