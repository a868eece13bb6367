package org.deskframe.guest.internal;

import java.util.Optional;
import org.deskframe.guest.MessengerDeployments;
import org.deskframe.messaging.CustomerAttachmentLimits;
import org.springframework.stereotype.Component;

/** Messaging's port to a deployment's limits for its customers' uploads, answered from the deployment itself. */
@Component
class DeploymentAttachmentLimits implements CustomerAttachmentLimits {

    private final MessengerDeployments deployments;

    DeploymentAttachmentLimits(MessengerDeployments deployments) {
        this.deployments = deployments;
    }

    @Override
    public Optional<Limits> forDeployment(String deploymentId) {
        return deployments.find(deploymentId).map(d -> new Limits(d.attachments().maxBytes(), d.attachments().allowedTypes()));
    }
}
