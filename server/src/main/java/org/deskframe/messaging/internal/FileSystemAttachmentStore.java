package org.deskframe.messaging.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.deskframe.messaging.AttachmentStore;

/**
 * The default store: one file per attachment under a directory. A file is written under a temporary name in the same
 * directory, forced to disk, then moved into place atomically, so a crash leaves at worst a stray temporary file
 * (never a half file under an id); a write that fails, a full disk's included, removes its temporary file.
 */
final class FileSystemAttachmentStore implements AttachmentStore {

    private static final int BUFFER = 64 * 1024;
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private final Path directory;

    FileSystemAttachmentStore(Path directory) {
        this.directory = directory;
    }

    Path directory() {
        return directory;
    }

    @Override
    public Stored put(String id, InputStream bytes, long maxBytes) throws IOException {
        Path target = path(id);
        Files.createDirectories(directory);
        Path temp;
        try {
            temp = Files.createTempFile(directory, ".incoming-", ".part");
        } catch (IOException e) {
            throw full(e) ? new Full(directory.toString(), e) : e;
        }
        try {
            MessageDigest sha = sha256();
            long size = 0;
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
                 OutputStream out = new DigestOutputStream(java.nio.channels.Channels.newOutputStream(channel), sha)) {
                byte[] buffer = new byte[BUFFER];
                for (int n; (n = bytes.read(buffer)) > 0; ) {
                    size += n;
                    if (size > maxBytes) throw new TooLarge(maxBytes);
                    out.write(buffer, 0, n);
                }
                out.flush();
                channel.force(true);
            }
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            return new Stored(size, HexFormat.of().formatHex(sha.digest()));
        } catch (TooLarge e) {
            throw e;
        } catch (IOException e) {
            throw full(e) ? new Full(directory.toString(), e) : e;
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    @Override
    public InputStream open(String id) throws IOException {
        return Files.newInputStream(path(id));
    }

    @Override
    public void delete(String id) throws IOException {
        try {
            Files.deleteIfExists(path(id));
        } catch (NoSuchFileException ignored) {
            // already gone
        }
    }

    /**
     * Whether a failed write ran out of room: the JDK reports ENOSPC and EDQUOT only as the system's message, so that
     * is read first, and the disk's usable space (under one buffer) decides when the message is not the usual one.
     */
    private boolean full(IOException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t instanceof FileSystemException f && f.getReason() != null ? f.getReason() : t.getMessage();
            if (m != null && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) return true;
        }
        try {
            return Files.getFileStore(directory).getUsableSpace() < BUFFER;
        } catch (IOException | RuntimeException unknown) {
            return false;
        }
    }

    private Path path(String id) {
        if (!ID.matcher(id).matches()) throw new IllegalArgumentException("not an attachment id: " + id);
        return directory.resolve(id);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
