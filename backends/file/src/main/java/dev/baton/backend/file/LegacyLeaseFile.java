package dev.baton.backend.file;

import dev.baton.backend.file.LeaseFileRecord.CorruptLeaseFileException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * The single-file layout of earlier versions ({@code <stem>.lease}, replaced under an operation lock on byte 0 of
 * {@code <stem>.lock}), and the one-time move of a lease to {@link RecordVersions}.
 *
 * <p>The move runs under that old operation lock, so it excludes a process of an earlier version working on the same
 * lease and every other process moving it. It copies the old record (holder, token, expiry, liveness slot, metadata)
 * into version 1, so tokens count on and a lease held at that moment stays held until its holder lets go, expires or
 * dies. It then replaces the old file with a <em>tombstone</em>: a record held until the end of time by
 * {@link #TOMBSTONE_HOLDER} without a liveness slot, which a process of an earlier version can neither take over nor
 * renew. So during a rolling upgrade the earlier versions stop leading and wait, instead of electing a second leader
 * beside the new layout; a lease used for the first time gets its tombstone too, for the same reason.
 */
final class LegacyLeaseFile {
    private static final System.Logger LOG = System.getLogger(LegacyLeaseFile.class.getName());

    /** The holder an earlier version sees in a moved lease's old file. */
    static final String TOMBSTONE_HOLDER = "baton-file-layout-2 (upgrade every participant of this directory)";

    private LegacyLeaseFile() {}

    static Path path(Path leaseDir, String stem) {
        return leaseDir.resolve(stem + ".lease");
    }

    /**
     * Moves lease {@code name} to its versions directory, unless another process did.
     *
     * @param deadlineNanos how long to wait for the old operation lock (a process stopped while holding it delays
     *     the move, once per lease and directory)
     */
    static void moveToVersions(Path leaseDir, String name, String stem, LockFiles.Entry lock, RecordVersions versions,
            long deadlineNanos) throws IOException {
        FileLock op = lock.lockOp(deadlineNanos);
        try {
            if (versions.exists()) {
                return;
            }
            Path legacy = path(leaseDir, stem);
            boolean neverUsed = !Files.exists(legacy);
            LeaseFileRecord rec;
            try {
                rec = FileLeaseStore.load(name, legacy);
            } catch (CorruptLeaseFileException e) {
                rec = FileLeaseStore.resetOrRefuse(name, legacy, e, lock);
            }
            if (TOMBSTONE_HOLDER.equals(rec.holder())) {
                // Moved before, and the records directory was deleted since (by hand): the versions it held may have
                // counted far past the tombstone's token, so the lease restarts free above any counted token.
                long token = Math.max(rec.token() + 1, System.currentTimeMillis() * 1000);
                LOG.log(Level.WARNING, LogIds.CORRUPT_RESET + ": lease ''{0}'': its records directory {1} is gone"
                        + " (deleted?) though it was moved to it before; it restarts free with token {2} (above any"
                        + " token counted before)", name, versions.directory(), Long.toString(token));
                rec = LeaseFileRecord.free(name, token);
            }
            if (versions.create(rec.encode(), !neverUsed)) {
                writeTombstone(legacy, name, rec.token());
            }
        } finally {
            lock.unlockOp(op);
        }
    }

    private static void writeTombstone(Path legacy, String name, long token) throws IOException {
        LeaseFileRecord tombstone = new LeaseFileRecord(name, TOMBSTONE_HOLDER, token, Long.MAX_VALUE, 0);
        // The earlier versions' own temporary name: they use it only under the operation lock held here.
        Path tmp = legacy.resolveSibling(legacy.getFileName() + ".tmp");
        Files.write(tmp, tombstone.encode());
        Files.move(tmp, legacy, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }
}
