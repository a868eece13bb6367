package org.deskframe.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A small tmpfs mounted as a server's attachment directory, which a test fills until the kernel refuses (ENOSPC) and
 * frees again: a full attachment disk for real. Mounting needs root; {@link #mount} answers null, saying why, where it
 * cannot (the caller skips).
 */
public final class AttachmentDisk implements AutoCloseable {

    public final Path directory;
    private Path filler;

    private AttachmentDisk(Path directory) {
        this.directory = directory;
    }

    /** Why a tmpfs cannot be mounted here, or null when it can be tried. */
    public static String unavailable() throws IOException {
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        return uid == 0 ? null : "mounting a tmpfs as the attachment disk needs root; running as uid " + uid;
    }

    /** A {@code size} tmpfs ("2m") on a new temporary directory; throws with mount's output if it fails. */
    public static AttachmentDisk mount(String size) throws IOException, InterruptedException {
        Path dir = Files.createTempDirectory("deskframe-attachment-disk");
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", dir.toString())
                .redirectErrorStream(true).start();
        String out = new String(mount.getInputStream().readAllBytes());
        if (!mount.waitFor(30, TimeUnit.SECONDS) || mount.exitValue() != 0) {
            throw new IOException("mount -t tmpfs failed (no CAP_SYS_ADMIN in this container?): " + out);
        }
        return new AttachmentDisk(dir);
    }

    /** Writes into the disk until it refuses (ENOSPC): the file that holds the space. */
    public Path fill() throws IOException {
        filler = directory.resolve("filler");
        byte[] chunk = new byte[16 * 1024];
        try (OutputStream out = Files.newOutputStream(filler)) {
            // at most 64 MiB: more than any disk a test mounts
            for (int i = 0; i < 4096; i++) {
                out.write(chunk);
                out.flush();
            }
        } catch (IOException full) {
            // the disk is full
        }
        return filler;
    }

    /** Space back: the filler deleted. */
    public void free() throws IOException {
        if (filler != null) Files.deleteIfExists(filler);
        filler = null;
    }

    public long usableSpace() throws IOException {
        return Files.getFileStore(directory).getUsableSpace();
    }

    @Override
    public void close() throws IOException, InterruptedException {
        Process umount = new ProcessBuilder("umount", directory.toString()).redirectErrorStream(true).start();
        String out = new String(umount.getInputStream().readAllBytes());
        if (!umount.waitFor(30, TimeUnit.SECONDS) || umount.exitValue() != 0) throw new IOException("umount " + directory + ": " + out);
    }
}
