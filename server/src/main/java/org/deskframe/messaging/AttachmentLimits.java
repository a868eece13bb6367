package org.deskframe.messaging;

import java.util.List;

/** What one sender may upload: the largest file in bytes, and the content types (sniffed) accepted; {@code type/*} a family. */
public record AttachmentLimits(long maxBytes, List<String> allowedTypes) {
    public AttachmentLimits {
        allowedTypes = List.copyOf(allowedTypes);
    }
}
