package org.deskframe.messaging;

import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Attachments' settings ({@code deskframe.messaging.attachments.*}): where the default store keeps files, and the
 * limits for agents' uploads (and customers' where their messenger deployment sets none).
 *
 * @param directory    where {@link AttachmentStore}'s file-system default keeps files; empty: {@code <data-dir>/attachments}
 * @param maxBytes     the largest file accepted, in bytes (default 10 MiB; at most 100 MiB, the multipart ceiling)
 * @param allowedTypes content types accepted (as sniffed from the bytes); {@code type/*} allows a family. Active content
 *                     (HTML, SVG, XML, JavaScript) is refused whatever this says
 */
@ConfigurationProperties("deskframe.messaging.attachments")
public record AttachmentSettings(String directory, long maxBytes, List<String> allowedTypes) {

    /** The multipart ceiling of application.yml (spring.servlet.multipart.max-file-size): no limit can be above it. */
    public static final long CEILING = 100L * 1024 * 1024;

    public static final List<String> DEFAULT_TYPES = List.of(
            "image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf", "text/plain", "text/csv",
            "application/msword", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.ms-excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.ms-powerpoint", "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text", "application/vnd.oasis.opendocument.spreadsheet");

    public AttachmentSettings {
        if (maxBytes <= 0) maxBytes = 10L * 1024 * 1024;
        maxBytes = Math.min(maxBytes, CEILING);
        allowedTypes = allowedTypes == null || allowedTypes.isEmpty() ? DEFAULT_TYPES : List.copyOf(allowedTypes);
    }

    public AttachmentLimits limits() {
        return new AttachmentLimits(maxBytes, allowedTypes);
    }
}
