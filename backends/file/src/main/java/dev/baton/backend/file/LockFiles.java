package dev.baton.backend.file;

import dev.baton.spi.LeaseStoreException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.LockSupport;

/**
 * The JVM-wide table of open lock files: exactly one {@link FileChannel} per lock file per JVM, shared by every
 * store of this JVM.
 *
 * <p>Why one channel: POSIX record locks belong to the process, and closing <em>any</em> descriptor of a file drops
 * every lock the process holds on it. A second channel opened to probe a file whose liveness lock this JVM holds
 * would silently free that lock when closed, and another process would think the holder dead. So every open goes
 * through this table, and a channel is closed only when no store references it (a held liveness lock counts as a
 * reference).
 *
 * <p>Layout of a lock file: bytes 1..{@link #SLOTS} are <em>liveness slots</em>, one of which a holder keeps locked
 * for as long as it holds the lease; byte 0 is the operation lock of the earlier single-file layout, taken only to
 * move a lease from it ({@link LegacyLeaseFile}). The file's content is never written.
 */
final class LockFiles {
    /** Number of liveness slots per lease: more than there can be paused-but-alive former holders in practice. */
    static final int SLOTS = 64;

    private static final Map<Path, Entry> OPEN = new HashMap<>();

    private LockFiles() {}

    /** One open lock file. */
    static final class Entry {
        final Path path;
        final FileChannel channel;
        /** Serializes this JVM's threads: file locks do not exclude threads of the same process. */
        final ReentrantLock opLock = new ReentrantLock();
        private int refs;

        private Entry(Path path, FileChannel channel) {
            this.path = path;
            this.channel = channel;
        }

        /**
         * Makes this JVM's threads take turns on the lease, waiting at most until {@code deadlineNanos}; release
         * with {@link #unlockThreads()}. Other processes are not excluded: their writes are compare-and-set
         * ({@link RecordVersions}).
         */
        void lockThreads(long deadlineNanos) {
            long wait = deadlineNanos - System.nanoTime();
            boolean locked;
            try {
                locked = wait > 0 && opLock.tryLock(wait, TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LeaseStoreException("interrupted while waiting for another thread's operation on " + path, e);
            }
            if (!locked) {
                throw new LeaseStoreException("timed out waiting for another thread's operation on " + path);
            }
        }

        void unlockThreads() {
            opLock.unlock();
        }

        /**
         * Takes the operation lock of the earlier single-file layout ({@link LegacyLeaseFile}), waiting at most until
         * {@code deadlineNanos} (a stopped process may hold it).
         *
         * @return the held file lock; release it with {@link #unlockOp(FileLock)}
         */
        FileLock lockOp(long deadlineNanos) throws IOException {
            lockThreads(deadlineNanos);
            try {
                long pause = 50_000;
                while (true) {
                    FileLock lock = channel.tryLock(0, 1, false);
                    if (lock != null) {
                        return lock;
                    }
                    if (System.nanoTime() - deadlineNanos >= 0) {
                        throw new LeaseStoreException("timed out waiting for the lock of " + path
                                + " to move the lease from the earlier single-file layout: another process holds it"
                                + " (stopped or very slow?)");
                    }
                    LockSupport.parkNanos(pause);
                    pause = Math.min(pause * 2, 2_000_000);
                }
            } catch (IOException | RuntimeException e) {
                opLock.unlock();
                throw e;
            }
        }

        void unlockOp(FileLock lock) {
            try {
                lock.release();
            } catch (IOException e) {
                // The channel stays open, so a failed unlock means the descriptor is broken: nothing better to do.
            } finally {
                opLock.unlock();
            }
        }

        /**
         * Tries to take liveness slot {@code slot}.
         *
         * @return the lock, or null when another process or this JVM holds it
         */
        FileLock tryLockSlot(int slot) throws IOException {
            try {
                return channel.tryLock(slot, 1, false);
            } catch (OverlappingFileLockException e) {
                return null;
            }
        }

        /**
         * Probes whether some live process (this JVM included) holds liveness slot {@code slot}. The probe holds
         * the slot for an instant when it is free; that is harmless, a new holder simply picks another slot.
         */
        boolean slotHeld(int slot) throws IOException {
            FileLock probe = tryLockSlot(slot);
            if (probe == null) {
                return true;
            }
            probe.release();
            return false;
        }

        /** @return true when any liveness slot is held by a live process */
        boolean anySlotHeld() throws IOException {
            for (int slot = 1; slot <= SLOTS; slot++) {
                if (slotHeld(slot)) {
                    return true;
                }
            }
            return false;
        }
    }

    /** Opens (or shares) the lock file at {@code path}; every call needs one {@link #release(Entry)}. */
    static Entry acquire(Path path) throws IOException {
        synchronized (OPEN) {
            Entry e = OPEN.get(path);
            if (e == null) {
                FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.READ,
                        StandardOpenOption.WRITE);
                e = new Entry(path, channel);
                OPEN.put(path, e);
            }
            e.refs++;
            return e;
        }
    }

    static void release(Entry e) {
        synchronized (OPEN) {
            if (--e.refs == 0) {
                OPEN.remove(e.path);
                try {
                    e.channel.close();
                } catch (IOException ignored) {
                    // Nothing is held on it any more; the descriptor is gone either way.
                }
            }
        }
    }
}
