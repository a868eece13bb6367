package org.deskframe.messaging;

import java.io.IOException;
import java.io.InputStream;

/**
 * Where attachments' bytes live (the local file system by default; an object store can take its place). {@link #put}
 * is all or nothing: once it returns, {@link #open} gives exactly those bytes; if it fails, nothing is left of them
 * (running out of room is {@link Full}); if the process dies during it, nothing is stored under the id. Ids are chosen
 * by messaging (letters, digits, '_' and '-') and never reused.
 */
public interface AttachmentStore {

    /** Stores {@code bytes} under {@code id}, at most {@code maxBytes} of them (more: {@link TooLarge}, nothing stored). */
    Stored put(String id, InputStream bytes, long maxBytes) throws IOException;

    /** The stored bytes; the caller closes the stream. */
    InputStream open(String id) throws IOException;

    /** Removes the bytes under {@code id}, if any. */
    void delete(String id) throws IOException;

    /** What was written: the size and the SHA-256 (hex) of the bytes. */
    record Stored(long size, String sha256) {}

    /** The store has no room for the bytes (a full disk, a quota); nothing was kept. {@code where} is for the log. */
    final class Full extends IOException {
        public Full(String where, Throwable cause) {
            super("no space left in " + where, cause);
        }
    }

    /** The stream held more than the limit; nothing was kept. */
    final class TooLarge extends IOException {
        public TooLarge(long limit) {
            super("more than " + limit + " bytes");
        }
    }
}
