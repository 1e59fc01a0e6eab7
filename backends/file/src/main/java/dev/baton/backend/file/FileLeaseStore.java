package dev.baton.backend.file;

import dev.baton.backend.file.LeaseFileRecord.CorruptLeaseFileException;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Leases shared by the processes of one host through a local directory.
 *
 * <p>Files per lease (the stem is {@link LeaseFileNames#stem(String) the encoded name}):
 * <ul>
 *   <li>{@code <stem>.records/} — the versions of the record: name, holder, fencing token, expiry, liveness slot and
 *       the holder's leader metadata, one line with a CRC-32 ({@link LeaseFileRecord}) per file {@code 1, 2, ...};
 *       the highest is current. A write links a fully written file as the next version, which fails when another
 *       process wrote it first ({@link RecordVersions}): a compare-and-set with no lock, so no process ever waits
 *       for another, not even for one stopped in the middle of an operation.</li>
 *   <li>{@code <stem>.lock} — never written; bytes 1..64 are liveness slots ({@link LockFiles}).</li>
 *   <li>{@code <stem>.lease} — the single file of earlier versions, moved once to the records and then left as a
 *       tombstone that stops earlier versions from leading ({@link LegacyLeaseFile}).</li>
 * </ul>
 *
 * <p>Each operation reads the current version and decides:
 * <ol>
 *   <li>a missing lease is a free lease with token 0;</li>
 *   <li>whether it is held is decided with the host's wall clock ({@link WallClock}): the store's clock, shared by
 *       all processes of the host;</li>
 *   <li>a held lease whose holder's liveness slot is free is abandoned: the operating system frees the locks of a
 *       dead process at once, so a holder killed with {@code kill -9} is replaced immediately; a stopped holder
 *       (SIGSTOP, long GC) keeps its slot, and then only expiry frees the lease;</li>
 *   <li>a grant has token = last token + 1 (the record keeps the last token after a release); the grantee locks a
 *       free liveness slot first and names it in the record, so no reader ever sees a record whose slot is not yet
 *       held;</li>
 *   <li>the holder's leader metadata is written in the same record as the grant (replacing what was there, also on
 *       a confirmation); renewals copy it unchanged, a release writes a free record without it.</li>
 * </ol>
 * When the next version was written by another process meanwhile, the operation decides again on it.
 *
 * <p>A record that fails its checksum (truncated, garbage, foreign) is never trusted. When no liveness slot of the
 * lease is held, nobody alive can believe they hold it: the record is replaced by a free one whose token jumps to
 * a time-derived value above any counted token (microseconds since the epoch), with a warning. Otherwise operations
 * fail with a {@link LeaseStoreException} naming the file until that process gives the lease up or exits; the
 * holder's own renewals report the lease lost.
 *
 * <p>Watches: one {@link DirectoryWatcher} per store (a {@link java.nio.file.WatchService} on the watched leases'
 * records for instant notice of releases and handovers, and a short poll of the holders' liveness slots, which is
 * how a killed holder is noticed).
 */
public final class FileLeaseStore implements LeaseStore {
    private static final System.Logger LOG = System.getLogger(FileLeaseStore.class.getName());

    /** Defaults used by {@link #open(Path)}. */
    static final Duration DEFAULT_LOCK_TIMEOUT = Duration.ofSeconds(1);

    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);

    private final Path dir;
    private final Duration lockTimeout;
    private final boolean sync;
    private final WallClock clock = new WallClock();
    /** The liveness slots this store keeps locked, by lease name. */
    private final Map<String, HeldSlot> slots = new ConcurrentHashMap<>();
    private final DirectoryWatcher watcher;
    private final AtomicBoolean warnedUnreadableMetadata = new AtomicBoolean();
    private volatile boolean closed;

    private record HeldSlot(LockFiles.Entry file, FileLock lock, long token) {}

    private FileLeaseStore(Path realDir, Duration lockTimeout, Duration pollInterval, boolean sync) {
        this.dir = realDir;
        this.lockTimeout = lockTimeout;
        this.sync = sync;
        this.watcher = new DirectoryWatcher(this, realDir, pollInterval);
    }

    /**
     * Opens a store on {@code dir} with the default timing (1 s lock timeout, 100 ms liveness poll, fsync on
     * handover).
     *
     * @param dir an existing, writable directory on a local file system
     * @return the store
     * @throws dev.baton.spi.InvalidConfigurationException when the directory is missing, unwritable or on a
     *     network file system
     */
    public static FileLeaseStore open(Path dir) {
        return open(dir, DEFAULT_LOCK_TIMEOUT, DEFAULT_POLL_INTERVAL, true);
    }

    /**
     * Opens a store.
     *
     * @param dir an existing, writable directory on a local file system
     * @param lockTimeout the longest an operation keeps deciding again while other processes' writes to the same
     *     lease win, or waits for the one-time move of a lease an earlier version wrote
     * @param pollInterval how often watched leases' holders are checked for liveness
     * @param sync whether a record that hands out a new token is forced to disk (survives power loss)
     * @return the store
     * @throws dev.baton.spi.InvalidConfigurationException when the directory is missing, unwritable or on a
     *     network file system
     */
    public static FileLeaseStore open(Path dir, Duration lockTimeout, Duration pollInterval, boolean sync) {
        Objects.requireNonNull(dir, "dir");
        requirePositive(lockTimeout, "lockTimeout");
        requirePositive(pollInterval, "pollInterval");
        Path real = LeaseDirectory.check(dir, FileLeaseStoreFactory.DIR_KEY);
        return new FileLeaseStore(real, lockTimeout, pollInterval, sync);
    }

    private static void requirePositive(Duration d, String what) {
        if (d == null || d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(what + " must be a positive duration, got " + d);
        }
    }

    /** @return the lease directory (its real path) */
    public Path directory() {
        return dir;
    }

    // ---- operations ----------------------------------------------------------------------------------------

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: metadata is kept in the lease file with the holder */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        checkTtl(ttl);
        String encoded = LeaderMetadata.encode(LeaderMetadata.requireStorable(metadata));
        return update(name, "acquire", true, (rec, lock) -> {
            long now = clock.nowMillis();
            if (rec.heldAt(now)) {
                if (rec.holder().equals(holder)) {
                    int slot = ownSlot(name, rec, lock);
                    LeaseFileRecord extended =
                            new LeaseFileRecord(name, holder, rec.token(), now + ttl.toMillis(), slot, encoded);
                    return Outcome.write(extended, false, Optional.of(toLease(extended, now)), () -> { });
                }
                if (rec.livenessSlot() == 0 || lock.slotHeld(rec.livenessSlot())) {
                    return Outcome.answer(Optional.of(toLease(rec, now)));
                }
                LOG.log(Level.INFO, "Lease ''{0}'': holder {1} is gone (its liveness lock is free); {2} takes over"
                        + " before expiry", name, rec.holder(), holder);
            }
            long token = rec.token() + 1;
            dropSlot(name, -1);
            int slot = takeSlot(name, lock, token);
            LeaseFileRecord granted = new LeaseFileRecord(name, holder, token, now + ttl.toMillis(), slot, encoded);
            return Outcome.write(granted, sync, Optional.of(toLease(granted, now)), () -> dropSlot(name, token));
        });
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        checkTtl(ttl);
        return update(name, "renew", false, (rec, lock) -> {
            long now = clock.nowMillis();
            if (rec == null || !isCurrent(rec, holder, token, now)) {
                dropSlot(name, token);
                return Outcome.answer(Optional.<LeaseRecord>empty());
            }
            LeaseFileRecord renewed = new LeaseFileRecord(name, holder, token, now + ttl.toMillis(),
                    rec.livenessSlot(), rec.metadata());
            return Outcome.write(renewed, false, Optional.of(toLease(renewed, now)), () -> { });
        });
    }

    @Override
    public boolean release(String name, String holder, long token) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        return update(name, "release", false, (rec, lock) -> {
            long now = clock.nowMillis();
            if (rec == null || !isCurrent(rec, holder, token, now)) {
                dropSlot(name, token);
                return Outcome.answer(false);
            }
            // The slot is freed only once the free record is the current version: until then a reader that sees
            // this participant's record must also see it alive.
            return Outcome.write(LeaseFileRecord.free(name, token), false, true, () -> { }, () -> dropSlot(name, token));
        });
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        LeaseNames.requireValid(name);
        return update(name, "read", true, (rec, lock) -> {
            long now = clock.nowMillis();
            if (!rec.heldAt(now) || (rec.livenessSlot() != 0 && !lock.slotHeld(rec.livenessSlot()))) {
                return Outcome.answer(Optional.<LeaseRecord>empty());
            }
            return Outcome.answer(Optional.of(toLease(rec, now)));
        });
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(onChange, "onChange");
        checkOpen();
        return Optional.of(watcher.add(name, onChange));
    }

    @Override
    public Duration maxCallTime() {
        // Deciding again after lost writes is bounded by the lock timeout; local file I/O adds little.
        return lockTimeout.plusMillis(500);
    }

    @Override
    public String describe() {
        return "file (" + dir + ", this host only)";
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        watcher.close();
        // Freeing the liveness slots tells followers at once that this participant is gone, like an exit would.
        IoThreads.call("file lease store " + dir + ": close", maxCallTime().toNanos(), () -> {
            for (String name : slots.keySet()) {
                dropSlot(name, -1);
            }
            return null;
        });
    }

    // ---- internals -----------------------------------------------------------------------------------------

    /**
     * What an operation decided from the current record: an answer, and maybe a record to write first.
     *
     * @param write the record to write as the next version, or null when the answer needs no write
     * @param durable whether the write is forced to disk
     * @param answer what the operation returns once the write (if any) won
     * @param onLost undoes what the decision took (a liveness slot) when another writer won: the operation decides
     *     again on the newer record
     * @param onWon runs once the write is the current version
     */
    private record Outcome<T>(LeaseFileRecord write, boolean durable, T answer, Runnable onLost, Runnable onWon) {
        static <T> Outcome<T> answer(T answer) {
            return new Outcome<>(null, false, answer, () -> { }, () -> { });
        }

        static <T> Outcome<T> write(LeaseFileRecord rec, boolean durable, T answer, Runnable onLost) {
            return new Outcome<>(rec, durable, answer, onLost, () -> { });
        }

        static <T> Outcome<T> write(LeaseFileRecord rec, boolean durable, T answer, Runnable onLost, Runnable onWon) {
            return new Outcome<>(rec, durable, answer, onLost, onWon);
        }
    }

    @FunctionalInterface
    private interface Decision<T> {
        /**
         * @param rec the current record; null when it is corrupt and the operation does not recover corrupt
         *     records (a holder's renewal or release: it can no longer prove it holds the lease)
         */
        Outcome<T> decide(LeaseFileRecord rec, LockFiles.Entry lock) throws IOException;
    }

    /**
     * Runs one operation: read the current version, decide, and write the next version if the decision needs it;
     * when another process wrote that version first, decide again on the newer record. Nothing here waits for
     * another process, except the one-time move of a lease written by an earlier version.
     *
     * @param recoverCorrupt whether a corrupt record is reset when no live process holds the lease (acquire, read)
     *     rather than handed to the decision as null (renew, release)
     */
    private <T> T update(String name, String op, boolean recoverCorrupt, Decision<T> decision) {
        checkOpen();
        return IoThreads.call("file lease store " + dir + ": " + op + " of lease '" + name + "'",
                maxCallTime().toNanos(), () -> updateOnIoThread(name, op, recoverCorrupt, decision));
    }

    private <T> T updateOnIoThread(String name, String op, boolean recoverCorrupt, Decision<T> decision) {
        String stem = LeaseFileNames.stem(name);
        long deadline = System.nanoTime() + lockTimeout.toNanos();
        LockFiles.Entry lock;
        try {
            lock = LockFiles.acquire(dir.resolve(stem + ".lock"));
        } catch (IOException e) {
            throw failure(op, name, e);
        }
        try {
            // This JVM's threads take turns (they would only make each other's writes lose); processes never wait.
            lock.lockThreads(deadline);
            try {
                RecordVersions versions = new RecordVersions(RecordVersions.directoryOf(dir, stem));
                int lost = 0;
                while (true) {
                    checkOpen();
                    if (!versions.exists()) {
                        LegacyLeaseFile.moveToVersions(dir, name, stem, lock, versions, deadline);
                    }
                    RecordVersions.Version current = versions.current();
                    LeaseFileRecord rec = decodeCurrent(name, versions, current, recoverCorrupt, lock);
                    if (rec != RECOVERED) {
                        Outcome<T> outcome = decision.decide(rec, lock);
                        if (outcome.write() == null) {
                            return outcome.answer();
                        }
                        if (write(versions, current, outcome)) {
                            outcome.onWon().run();
                            return outcome.answer();
                        }
                    }
                    lost++;
                    if (System.nanoTime() - deadline >= 0) {
                        throw new LeaseStoreException("other processes' writes to " + versions.directory()
                                + " won " + lost + " times in a row (or its record kept turning corrupt) for "
                                + lockTimeout.toMillis() + " ms");
                    }
                }
            } finally {
                lock.unlockThreads();
            }
        } catch (IOException e) {
            throw failure(op, name, e);
        } catch (LeaseStoreException e) {
            throw new LeaseStoreException("file lease store " + dir + ": " + op + " of lease '" + name + "' failed: "
                    + e.getMessage(), e);
        } finally {
            LockFiles.release(lock);
        }
    }

    /**
     * Writes the outcome's record as the version after {@code current}; when another writer won, or the write failed,
     * undoes what the decision took (a newly locked liveness slot must not outlive a grant that was never recorded).
     */
    private static boolean write(RecordVersions versions, RecordVersions.Version current, Outcome<?> outcome)
            throws IOException {
        boolean won;
        try {
            won = versions.writeAfter(current.number(), outcome.write().encode(), outcome.durable());
        } catch (IOException | RuntimeException e) {
            outcome.onLost().run();
            throw e;
        }
        if (!won) {
            outcome.onLost().run();
        }
        return won;
    }

    /** Marks a current record that was corrupt and has just been reset: the operation reads again. */
    private static final LeaseFileRecord RECOVERED = LeaseFileRecord.free("-", 0);

    /**
     * Decodes the current version. A corrupt one is, for a holder's operation, reported (null); otherwise reset to
     * free when no live process holds the lease ({@link #RECOVERED}), or refused while one does.
     */
    private LeaseFileRecord decodeCurrent(String name, RecordVersions versions, RecordVersions.Version current,
            boolean recoverCorrupt, LockFiles.Entry lock) throws IOException {
        if (current.number() == 0) {
            return LeaseFileRecord.free(name, 0);
        }
        Path file = versions.file(current.number());
        try {
            return decode(name, current.bytes());
        } catch (CorruptLeaseFileException e) {
            if (!recoverCorrupt) {
                LOG.log(Level.WARNING, LogIds.CORRUPT_HELD + ": lease ''{0}'': {1} is corrupt ({2}); its holder gives"
                        + " it up; check for other programs writing into the lease directory", name, file,
                        e.getMessage());
                return null;
            }
            versions.writeAfter(current.number(), resetOrRefuse(name, file, e, lock).encode(), true);
            return RECOVERED;
        }
    }

    /**
     * The rule for a corrupt record, in either layout: never trusted; while any liveness slot of the lease is held, a
     * live process may believe it holds the lease, so the call fails; otherwise the lease restarts free with a
     * time-derived token (microseconds since the epoch, above any counted token), with a warning.
     *
     * @return the free record to write in its place
     * @throws LeaseStoreException naming the file while a live process holds a slot
     */
    static LeaseFileRecord resetOrRefuse(String name, Path file, CorruptLeaseFileException e, LockFiles.Entry lock)
            throws IOException {
        if (lock.anySlotHeld()) {
            throw new LeaseStoreException("lease file " + file + " is corrupt (" + e.getMessage() + ") and is"
                    + " not trusted; a live process still holds one of its liveness locks, so it is recovered"
                    + " only once that process gives the lease up or exits");
        }
        long token = System.currentTimeMillis() * 1000;
        LOG.log(Level.WARNING, LogIds.CORRUPT_RESET + ": lease ''{0}'': {1} was corrupt ({2}) and no live process"
                + " holds the lease; it is reset to free with token {3} (above any token counted before)", name, file,
                e.getMessage(), Long.toString(token));
        return LeaseFileRecord.free(name, token);
    }

    private LeaseStoreException failure(String op, String name, IOException e) {
        return new LeaseStoreException(
                "file lease store " + dir + ": " + op + " of lease '" + name + "' failed: " + e, e);
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the file lease store on " + dir + " is closed");
        }
    }

    private static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.toMillis() <= 0) {
            throw new IllegalArgumentException("ttl must be at least 1ms, got " + ttl);
        }
    }

    private static boolean isCurrent(LeaseFileRecord rec, String holder, long token, long now) {
        return rec.heldAt(now) && rec.holder().equals(holder) && rec.token() == token;
    }

    private LeaseRecord toLease(LeaseFileRecord rec, long now) {
        return new LeaseRecord(rec.name(), rec.holder(), rec.token(),
                Duration.ofMillis(Math.max(0, rec.expiresAtMillis() - now)), metadataOf(rec));
    }

    /** The record's metadata; empty, with one warning per store, when it cannot be decoded: never an error. */
    private Map<String, String> metadataOf(LeaseFileRecord rec) {
        if (rec.metadata().isEmpty()) {
            return Map.of();
        }
        try {
            return LeaderMetadata.decode(rec.metadata());
        } catch (IllegalArgumentException e) {
            if (warnedUnreadableMetadata.compareAndSet(false, true)) {
                LOG.log(Level.WARNING, LogIds.METADATA_UNREADABLE + ": lease ''{0}'': the leader metadata in its file"
                        + " cannot be decoded ({1}); the lease is reported without metadata (elections are not"
                        + " affected); check for other programs writing into the lease directory (logged once)",
                        rec.name(), e.getMessage());
            }
            return Map.of();
        }
    }

    /** Reads a record in the earlier single-file layout; a missing file is a never-used lease. */
    static LeaseFileRecord load(String name, Path leaseFile) throws IOException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(leaseFile);
        } catch (NoSuchFileException e) {
            return LeaseFileRecord.free(name, 0);
        }
        return decode(name, bytes);
    }

    /** Decodes a record of lease {@code name}; does not interpret corruption. */
    static LeaseFileRecord decode(String name, byte[] bytes) {
        LeaseFileRecord rec = LeaseFileRecord.decode(bytes);
        if (!rec.name().equals(name)) {
            throw new CorruptLeaseFileException("it belongs to another lease name (a file-name collision)");
        }
        return rec;
    }

    /** The slot this store holds for {@code name}, or a newly taken one (confirming a grant for the same holder). */
    private int ownSlot(String name, LeaseFileRecord rec, LockFiles.Entry lock) throws IOException {
        HeldSlot held = slots.get(name);
        if (held != null && held.lock.isValid() && (int) held.lock.position() == rec.livenessSlot()) {
            if (held.token != rec.token()) {
                slots.put(name, new HeldSlot(held.file, held.lock, rec.token()));
            }
            return rec.livenessSlot();
        }
        dropSlot(name, -1);
        return takeSlot(name, lock, rec.token());
    }

    /** Locks a free liveness slot for a grant of {@code token}; 0 when all are taken (then only expiry counts). */
    private int takeSlot(String name, LockFiles.Entry lock, long token) throws IOException {
        int start = (int) Math.floorMod(token, (long) LockFiles.SLOTS);
        for (int i = 0; i < LockFiles.SLOTS; i++) {
            int slot = 1 + (start + i) % LockFiles.SLOTS;
            FileLock fl = lock.tryLockSlot(slot);
            if (fl != null) {
                slots.put(name, new HeldSlot(LockFiles.acquire(lock.path), fl, token));
                return slot;
            }
        }
        LOG.log(Level.WARNING, LogIds.NO_LIVENESS_SLOT + ": lease ''{0}'': all {1} liveness slots are held by live"
                + " processes; this grant is protected by expiry only (a crashed holder is noticed at its ttl, not at"
                + " once); check how many processes share the directory", name, LockFiles.SLOTS);
        return 0;
    }

    /** Frees this store's slot for {@code name} when it belongs to {@code token} (any token when -1). */
    private void dropSlot(String name, long token) {
        HeldSlot held = slots.get(name);
        if (held == null || (token != -1 && held.token != token) || !slots.remove(name, held)) {
            return;
        }
        try {
            held.lock.release();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "Lease ''{0}'': freeing the liveness lock failed: {1}", name, e);
        } finally {
            LockFiles.release(held.file);
        }
    }

    // ---- for the watcher -----------------------------------------------------------------------------------

    /**
     * What a follower cares about, read without the operation lock (a record file is replaced atomically): the
     * holder, the token and whether the holder is alive; renewals do not change it.
     */
    record Observed(String holder, long token, boolean alive, boolean corrupt) {}

    Observed observe(String name) {
        String stem = LeaseFileNames.stem(name);
        RecordVersions versions = new RecordVersions(RecordVersions.directoryOf(dir, stem));
        LeaseFileRecord rec;
        try {
            if (versions.exists()) {
                RecordVersions.Version current = versions.current();
                rec = current.number() == 0 ? LeaseFileRecord.free(name, 0) : decode(name, current.bytes());
            } else {
                // Not used in this layout yet (the first operation moves it): what an earlier version wrote.
                rec = load(name, LegacyLeaseFile.path(dir, stem));
            }
        } catch (CorruptLeaseFileException e) {
            return new Observed(null, -1, false, true);
        } catch (IOException e) {
            return new Observed(null, -2, false, true);
        }
        if (rec.isFree()) {
            return new Observed(null, rec.token(), false, false);
        }
        boolean alive = true;
        if (rec.livenessSlot() != 0) {
            try {
                LockFiles.Entry lock = LockFiles.acquire(dir.resolve(stem + ".lock"));
                try {
                    alive = lock.slotHeld(rec.livenessSlot());
                } finally {
                    LockFiles.release(lock);
                }
            } catch (IOException e) {
                alive = true;
            }
        }
        return new Observed(rec.holder(), rec.token(), alive, false);
    }
}
