package org.deskframe.protocol;

/**
 * The file a message carries: fetch it from {@code GET /api/v2/conversations/{conversation}/attachments/{id}} with the
 * bearer token (participants only). {@code type} is the sniffed content type, {@code size} in bytes.
 */
public record AttachmentView(String id, String name, String type, long size) {}
