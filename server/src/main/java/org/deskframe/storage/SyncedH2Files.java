package org.deskframe.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.h2.store.fs.FilePath;
import org.h2.store.fs.FilePathWrapper;

/**
 * H2's file system with every write synchronous to the device ({@code O_DSYNC}): the URL scheme {@code dsync:}
 * ({@code jdbc:h2:dsync:./data/deskframe;WRITE_DELAY=0}). With {@code WRITE_DELAY=0} H2 writes each commit to its
 * file before the commit returns; opening that file with {@code O_DSYNC} makes the write reach the disk too, so a
 * commit survives power loss and OS crashes, not only the process dying (docs/postgresql.md, "What an ack survives").
 */
public final class SyncedH2Files extends FilePathWrapper {

    public static final String SCHEME = "dsync";
    private static final SyncedH2Files INSTANCE = new SyncedH2Files();

    /** Makes the scheme known to H2; idempotent, and needed before the first connection to a {@code dsync:} URL. */
    public static void register() {
        FilePath.register(INSTANCE);
    }

    @Override
    public String getScheme() {
        return SCHEME;
    }

    @Override
    public FileChannel open(String mode) throws IOException {
        boolean creating = !"r".equals(mode) && !exists();
        FileChannel channel = getBase().open("rw".equals(mode) ? "rwd" : mode);
        if (creating) syncParentDirectory();
        return channel;
    }

    /** A new file's name is only durable once its directory is: without this, power loss can forget the file. */
    private void syncParentDirectory() throws IOException {
        Path dir = Path.of(unwrap().toString()).toAbsolutePath().getParent();
        if (dir == null) return;
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        }
    }
}
