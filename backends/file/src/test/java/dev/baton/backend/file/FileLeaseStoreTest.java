package dev.baton.backend.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the TCK cannot see: liveness locks, corrupt files, the file layout. */
class FileLeaseStoreTest {
    private static final Duration LONG = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    private FileLeaseStore a;
    private FileLeaseStore b;

    @BeforeEach
    void open() {
        a = FileLeaseStore.open(dir);
        b = FileLeaseStore.open(dir);
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    /** The file of the current version of a lease's record (the lease must have been used). */
    private Path leaseFile(String name) throws IOException {
        RecordVersions versions = versions(name);
        return versions.file(versions.current().number());
    }

    private RecordVersions versions(String name) {
        return new RecordVersions(RecordVersions.directoryOf(dir, LeaseFileNames.stem(name)));
    }

    /** The single file of the earlier layout. */
    private Path legacyFile(String name) {
        return LegacyLeaseFile.path(dir, LeaseFileNames.stem(name));
    }

    @Test
    @DisplayName("a holder whose store is gone (like a dead process) is replaced before expiry, with a new token")
    void goneHolderReplacedAtOnce() {
        LeaseRecord first = a.tryAcquire("jobs", "a", LONG).orElseThrow();
        assertEquals("a", b.tryAcquire("jobs", "b", LONG).orElseThrow().holder(), "a is alive: b is refused");
        a.close();
        LeaseRecord second = b.tryAcquire("jobs", "b", LONG).orElseThrow();
        assertEquals("b", second.holder(), "the liveness lock of a is free, so b takes over long before expiry");
        assertTrue(second.token() > first.token());
    }

    @Test
    @DisplayName("a watcher hears within a poll interval that the holder died")
    void watcherHearsDeath() throws Exception {
        a.tryAcquire("jobs", "a", LONG).orElseThrow();
        CountDownLatch changed = new CountDownLatch(1);
        try (AutoCloseable w = b.watch("jobs", changed::countDown).orElseThrow()) {
            a.close();
            // Within a poll interval normally; the bound is generous, and still far from the 60 s expiry.
            assertTrue(changed.await(Timing.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    @DisplayName("renewals do not wake watchers; a release does")
    void renewalsAreQuiet() throws Exception {
        LeaseRecord r = a.tryAcquire("quiet", "a", LONG).orElseThrow();
        CountDownLatch changed = new CountDownLatch(1);
        try (AutoCloseable w = b.watch("quiet", changed::countDown).orElseThrow()) {
            for (int i = 0; i < 5; i++) {
                a.renew("quiet", "a", r.token(), LONG).orElseThrow();
            }
            // An observation window, not synchronisation: a wrong wake-up would normally show within it (on a slow
            // machine it may be missed, never invented).
            assertFalse(changed.await(300, TimeUnit.MILLISECONDS), "a renewal woke the watcher");
            assertTrue(a.release("quiet", "a", r.token()));
            assertTrue(changed.await(Timing.scaled(Duration.ofSeconds(20)).toMillis(), TimeUnit.MILLISECONDS));
        }
    }

    @Test
    @DisplayName("a garbage lease file with no live holder is recovered with a token above every earlier one")
    void garbageRecovered() throws IOException {
        LeaseRecord first = a.tryAcquire("g", "a", LONG).orElseThrow();
        a.close();
        Files.write(leaseFile("g"), "this is not a lease\n".getBytes(StandardCharsets.UTF_8));
        LeaseRecord r = b.tryAcquire("g", "b", LONG).orElseThrow();
        assertEquals("b", r.holder());
        assertTrue(r.token() > first.token(), "token after recovery must exceed the lost one");
    }

    @Test
    @DisplayName("a truncated lease file is detected by its checksum, never read as a shorter valid record")
    void truncatedDetected() throws IOException {
        LeaseRecord first = a.tryAcquire("t", "a", LONG).orElseThrow();
        byte[] full = Files.readAllBytes(leaseFile("t"));
        for (int cut = 0; cut < full.length; cut++) {
            byte[] part = Arrays.copyOf(full, cut);
            assertThrows(LeaseFileRecord.CorruptLeaseFileException.class, () -> LeaseFileRecord.decode(part),
                    "a record cut to " + cut + " bytes was accepted");
        }
        a.close();
        Files.write(leaseFile("t"), Arrays.copyOf(full, full.length - 5));
        assertEquals(Optional.empty(), b.read("t"), "the truncated, dead record reads as free after recovery");
        assertTrue(b.tryAcquire("t", "b", LONG).orElseThrow().token() > first.token());
    }

    @Test
    @DisplayName("a corrupt file while its holder lives is reported, not trusted; the holder gives the lease up")
    void corruptWithLiveHolderReported() throws IOException {
        LeaseRecord held = a.tryAcquire("c", "a", LONG).orElseThrow();
        byte[] bytes = Files.readAllBytes(leaseFile("c"));
        bytes[20] ^= 0x01; // one flipped bit
        Files.write(leaseFile("c"), bytes);
        LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> b.tryAcquire("c", "b", LONG));
        assertTrue(e.getMessage().contains("corrupt") && e.getMessage().contains(leaseFile("c").toString()),
                e.getMessage());
        assertThrows(LeaseStoreException.class, () -> b.read("c"));
        assertEquals(Optional.empty(), a.renew("c", "a", held.token(), LONG), "the holder cannot prove it holds");
        LeaseRecord taken = b.tryAcquire("c", "b", LONG).orElseThrow();
        assertEquals("b", taken.holder(), "recovered once the holder let go");
        assertTrue(taken.token() > held.token());
    }

    @Test
    @DisplayName("a missing directory, a plain file and a network file system are refused with the key named")
    void badDirectories() throws IOException {
        var missing = assertThrows(dev.baton.spi.InvalidConfigurationException.class,
                () -> FileLeaseStore.open(dir.resolve("nope")));
        assertEquals(FileLeaseStoreFactory.DIR_KEY, missing.key());
        assertTrue(missing.getMessage().contains("does not exist"), missing.getMessage());
        Path file = Files.createFile(dir.resolve("plain"));
        var notDir = assertThrows(dev.baton.spi.InvalidConfigurationException.class, () -> FileLeaseStore.open(file));
        assertTrue(notDir.getMessage().contains("not a directory"), notDir.getMessage());
        for (String type : new String[] {"nfs", "nfs4", "cifs", "smb3", "fuse.sshfs", "9p", "ceph"}) {
            assertTrue(LeaseDirectory.isNetwork(type), type);
        }
        for (String type : new String[] {"ext4", "xfs", "btrfs", "tmpfs", "overlay", "zfs", "apfs", "NTFS"}) {
            assertFalse(LeaseDirectory.isNetwork(type), type);
        }
    }

    @Test
    @DisplayName("file names keep simple names readable and stay short and distinct for long or odd ones")
    void fileNames() {
        assertEquals("reports", LeaseFileNames.stem("reports"));
        assertEquals("_52eports", LeaseFileNames.stem("Reports"));
        assertEquals("a_2fb", LeaseFileNames.stem("a/b"));
        assertEquals("_2e_2e", LeaseFileNames.stem(".."));
        String longName = "x".repeat(200);
        String stem = LeaseFileNames.stem(longName);
        assertTrue(stem.length() <= LeaseFileNames.MAX_STEM, stem);
        assertFalse(stem.equals(LeaseFileNames.stem("x".repeat(199) + "y")));
    }

    @Test
    @DisplayName("a record survives encoding and any single flipped bit is caught")
    void recordChecksum() {
        LeaseFileRecord rec = new LeaseFileRecord("näme/1", "holder 1", 42, 1234567890123L, 7);
        byte[] bytes = rec.encode();
        assertEquals(rec, LeaseFileRecord.decode(bytes));
        for (int i = 0; i < bytes.length - 1; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x04;
            int at = i;
            assertThrows(LeaseFileRecord.CorruptLeaseFileException.class, () -> LeaseFileRecord.decode(flipped),
                    () -> "flipped byte " + at + " accepted");
        }
    }

    @Test
    @DisplayName("a record with leader metadata survives encoding as baton-lease/2; one without stays baton-lease/1")
    void recordWithMetadata() {
        String encoded = dev.baton.spi.LeaderMetadata.encode(Map.of("url", "http://a:8080", "zone", "ü 東京 &=%+"));
        LeaseFileRecord rec = new LeaseFileRecord("näme/1", "holder 1", 42, 1234567890123L, 7, encoded);
        byte[] bytes = rec.encode();
        assertTrue(new String(bytes, StandardCharsets.US_ASCII).startsWith("baton-lease/2 "));
        assertEquals(rec, LeaseFileRecord.decode(bytes));
        for (int i = 0; i < bytes.length - 1; i++) {
            byte[] flipped = bytes.clone();
            flipped[i] ^= 0x04;
            int at = i;
            assertThrows(LeaseFileRecord.CorruptLeaseFileException.class, () -> LeaseFileRecord.decode(flipped),
                    () -> "flipped byte " + at + " accepted");
        }
        assertTrue(new String(new LeaseFileRecord("n", "h", 1, 2, 3).encode(), StandardCharsets.US_ASCII)
                .startsWith("baton-lease/1 "));
        assertThrows(IllegalArgumentException.class, () -> new LeaseFileRecord("n", "h", 1, 2, 3, "a b"));
    }

    /** A record exactly as versions before leader metadata wrote it, built here without LeaseFileRecord. */
    private static byte[] previousVersionRecord(String name, String holder, long token, long expiresAt, int slot) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String body = "baton-lease/1 " + b64.encodeToString(name.getBytes(StandardCharsets.UTF_8)) + " "
                + b64.encodeToString(holder.getBytes(StandardCharsets.UTF_8)) + " " + token + " " + expiresAt + " "
                + slot;
        CRC32 crc = new CRC32();
        crc.update(body.getBytes(StandardCharsets.US_ASCII));
        return (body + " " + Long.toHexString(crc.getValue()) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    @DisplayName("a lease file of the earlier layout, written before leader metadata, is moved (token, holder, expiry),"
            + " read with empty metadata, taken over with metadata, and left as a tombstone")
    void previousVersionFile() throws IOException {
        long farFuture = System.currentTimeMillis() + LONG.toMillis();
        Files.write(legacyFile("old"), previousVersionRecord("old", "old-holder", 41, farFuture, 0));
        LeaseRecord seen = a.read("old").orElseThrow();
        assertEquals("old-holder", seen.holder());
        assertEquals(41, seen.token());
        assertEquals(Map.of(), seen.metadata());
        LeaseRecord renewed = b.renew("old", "old-holder", 41, LONG).orElseThrow();
        assertEquals(Map.of(), renewed.metadata());
        assertTrue(b.release("old", "old-holder", 41));
        Map<String, String> metadata = Map.of("url", "http://new:8080", "baton.since", "2026-12-05T18:00:00Z");
        LeaseRecord next = a.tryAcquire("old", "new-holder", LONG, metadata).orElseThrow();
        assertEquals(42, next.token(), "the token counts on from the old file");
        assertEquals(metadata, b.read("old").orElseThrow().metadata());
        assertTrue(new String(Files.readAllBytes(leaseFile("old")), StandardCharsets.US_ASCII)
                .startsWith("baton-lease/2 "));
        // The old file is now a tombstone that an earlier version reads as held for ever, by nobody it can replace.
        LeaseFileRecord tombstone = LeaseFileRecord.decode(Files.readAllBytes(legacyFile("old")));
        assertEquals(LegacyLeaseFile.TOMBSTONE_HOLDER, tombstone.holder());
        assertEquals(Long.MAX_VALUE, tombstone.expiresAtMillis());
        assertEquals(0, tombstone.livenessSlot(), "no liveness slot: an earlier version cannot see it die");
        assertEquals(41, tombstone.token());
    }

    @Test
    @DisplayName("metadata that cannot be decoded (a foreign writer with a valid checksum) reads as empty, not an error")
    void unreadableMetadata() throws IOException {
        long farFuture = System.currentTimeMillis() + LONG.toMillis();
        LeaseFileRecord foreign = new LeaseFileRecord("odd", "someone", 5, farFuture, 0, "no-equals-sign");
        Files.write(legacyFile("odd"), foreign.encode());
        LeaseRecord seen = a.read("odd").orElseThrow();
        assertEquals("someone", seen.holder());
        assertEquals(Map.of(), seen.metadata());
        assertEquals("someone", b.tryAcquire("odd", "b", LONG, Map.of("url", "http://b")).orElseThrow().holder());
    }

    @Test
    @DisplayName("a write based on an old version loses, also when that version's successor was already collected")
    void lateWriteLoses() throws IOException {
        LeaseRecord held = a.tryAcquire("late", "a", LONG).orElseThrow();
        RecordVersions versions = versions("late");
        // What a process stopped right after reading would hold on to.
        long read = versions.current().number();
        byte[] stale = new LeaseFileRecord("late", "b", held.token() + 1, System.currentTimeMillis() + 60_000, 0)
                .encode();

        a.renew("late", "a", held.token(), LONG).orElseThrow();
        assertFalse(versions.writeAfter(read, stale, false), "the next version exists: the link fails");
        for (int i = 0; i < 3; i++) {
            a.renew("late", "a", held.token(), LONG).orElseThrow();
        }
        assertFalse(Files.exists(versions.file(read + 1)), "collected: older versions than the one before the current");
        assertFalse(versions.writeAfter(read, stale, false), "the link succeeds below the current version: lost");
        assertEquals("a", b.read("late").orElseThrow().holder(), "the late write changed nothing");
        assertEquals(held.token(), b.read("late").orElseThrow().token());
        assertTrue(a.renew("late", "a", held.token(), LONG).isPresent(), "the holder still holds");
    }

    @Test
    @DisplayName("the versions directory keeps the current version and the one before; other files are ignored")
    void versionsAreCollected() throws IOException {
        LeaseRecord held = a.tryAcquire("gc", "a", LONG).orElseThrow();
        for (int i = 0; i < 20; i++) {
            a.renew("gc", "a", held.token(), LONG).orElseThrow();
        }
        Files.write(versions("gc").directory().resolve("notes.txt"), new byte[] {1});
        a.renew("gc", "a", held.token(), LONG).orElseThrow();
        long current = versions("gc").current().number();
        try (var files = Files.list(versions("gc").directory())) {
            assertEquals(java.util.Set.of(Long.toString(current - 1), Long.toString(current), "notes.txt"),
                    files.map(p -> p.getFileName().toString()).collect(java.util.stream.Collectors.toSet()));
        }
    }

    @Test
    @DisplayName("two writers racing from the same version: exactly one wins each round")
    void racingWriters() throws Exception {
        a.tryAcquire("race", "a", LONG).orElseThrow();
        RecordVersions versions = versions("race");
        var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 50; round++) {
                long read = versions.current().number();
                CountDownLatch go = new CountDownLatch(1);
                byte[] mine = LeaseFileRecord.free("race", round).encode();
                java.util.concurrent.Callable<Boolean> write = () -> {
                    go.await();
                    return versions.writeAfter(read, mine, false);
                };
                var first = pool.submit(write);
                var second = pool.submit(write);
                go.countDown();
                long bound = Timing.scaled(Duration.ofSeconds(20)).toMillis();
                boolean w1 = first.get(bound, TimeUnit.MILLISECONDS);
                boolean w2 = second.get(bound, TimeUnit.MILLISECONDS);
                assertTrue(w1 ^ w2, "round " + round + ": exactly one write wins, got " + w1 + " and " + w2);
                assertEquals(read + 1, versions.current().number());
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    @DisplayName("a records directory deleted by hand after the move restarts the lease free, above every token")
    void deletedRecordsDirectory() throws IOException {
        LeaseRecord first = a.tryAcquire("gone", "a", LONG).orElseThrow();
        assertTrue(a.release("gone", "a", first.token()));
        Path records = versions("gone").directory();
        try (var files = Files.list(records)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
        Files.delete(records);
        LeaseRecord next = b.tryAcquire("gone", "b", LONG).orElseThrow();
        assertEquals("b", next.holder(), "not held for ever by the tombstone");
        assertTrue(next.token() > first.token());
    }
}
