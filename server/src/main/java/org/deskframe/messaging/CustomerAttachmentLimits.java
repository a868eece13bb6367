package org.deskframe.messaging;

import java.util.Optional;

/**
 * The limits a messenger deployment sets for its customers' uploads; implemented by the capability that owns
 * deployments (guest), so messaging never reads its tables. Empty, or a null part: the platform's
 * ({@link AttachmentSettings}).
 */
public interface CustomerAttachmentLimits {

    Optional<Limits> forDeployment(String deploymentId);

    /** Either part null: the platform's value. */
    record Limits(Long maxBytes, java.util.List<String> allowedTypes) {}
}
