package dev.baton.backend.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The versions of one lease's record: a directory {@code <stem>.records} whose files {@code 1}, {@code 2}, ... are
 * the successive records, the highest number being the current one. A write is a compare-and-set without any lock:
 * the writer prepares its record in a file of its own and {@linkplain Files#createLink hard-links} it as version
 * {@code n + 1} of the version {@code n} it read; {@code link(2)} fails when that version exists, so of two writers
 * that read the same version exactly one wins, and the loser reads again.
 *
 * <p>Why no lock: a process stopped (SIGSTOP, a debugger, a frozen VM) while it held an operation lock would keep it
 * and block every other process until it resumed. Here a stopped writer holds nothing; when it resumes, its late
 * link either fails (the version exists) or creates a version below the current one (the version was already
 * collected), which it detects by listing the directory again: either way it has lost and never believes otherwise.
 *
 * <p>Collection: a writer that won version {@code n + 1} deletes the versions below {@code n} (the current and the
 * one before stay, so a reader that listed a moment ago usually still finds its file; one that does not simply lists
 * again), and leftover preparation files older than {@link #STALE_PREPARATION} (a writer that died between writing
 * and linking).
 */
final class RecordVersions {
    /** The directory of one lease's versions, next to its lock file. */
    static final String SUFFIX = ".records";

    /** How old a preparation file must be before another writer removes it: far beyond any live writer's pause. */
    static final Duration STALE_PREPARATION = Duration.ofMinutes(10);

    private static final String PREPARATION_PREFIX = ".prep-";

    private final Path dir;

    RecordVersions(Path dir) {
        this.dir = dir;
    }

    static Path directoryOf(Path leaseDir, String stem) {
        return leaseDir.resolve(stem + SUFFIX);
    }

    Path directory() {
        return dir;
    }

    boolean exists() {
        return Files.isDirectory(dir);
    }

    /** The file of version {@code version}, for messages and tests. */
    Path file(long version) {
        return dir.resolve(Long.toString(version));
    }

    /**
     * One version as read: its number and raw bytes (0 and none for a directory without versions, which only a
     * person deleting files can produce).
     */
    record Version(long number, byte[] bytes) {}

    /**
     * Reads the current version.
     *
     * @throws NoSuchFileException when the directory does not exist (the lease was never used in this layout)
     */
    Version current() throws IOException {
        while (true) {
            long newest = newest(listVersions());
            if (newest == 0) {
                return new Version(0, null);
            }
            try {
                return new Version(newest, Files.readAllBytes(file(newest)));
            } catch (NoSuchFileException collected) {
                // Two newer versions were written since the listing, and the older ones collected: list again.
                if (!exists()) {
                    throw collected;
                }
            }
        }
    }

    /**
     * Writes {@code bytes} as the version after {@code read}, if nobody else has.
     *
     * @param read the version the caller's decision is based on
     * @param durable whether the new version is forced to disk (with its directory entry) before this returns
     * @return true when the new version is the current one; false when another writer got there first (read again)
     */
    boolean writeAfter(long read, byte[] bytes, boolean durable) throws IOException {
        long next = read + 1;
        Path prep = dir.resolve(PREPARATION_PREFIX + ProcessHandle.current().pid() + "-"
                + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            try (FileChannel ch = FileChannel.open(prep, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                if (durable) {
                    ch.force(false);
                }
            }
            try {
                Files.createLink(file(next), prep);
            } catch (FileAlreadyExistsException lost) {
                return false;
            }
        } finally {
            Files.deleteIfExists(prep);
        }
        List<Path> entries = listVersions();
        if (newest(entries) != next) {
            // Version `next` had been written and collected while this writer was paused: its link created a file
            // below the current version, which nobody reads; it is collected like any old version. (Or another
            // writer already wrote the version after this one: this write was current for a moment, and reporting
            // it lost is still safe, since the caller reads again and decides on what is current now.)
            return false;
        }
        if (durable) {
            forceDirectory();
        }
        collect(entries, read);
        return true;
    }

    /** Deletes versions below {@code keepFrom} and stale preparation files; failures are left for the next writer. */
    private void collect(List<Path> entries, long keepFrom) {
        Instant stale = Instant.now().minus(STALE_PREPARATION);
        for (Path p : entries) {
            String name = p.getFileName().toString();
            try {
                if (name.startsWith(PREPARATION_PREFIX)) {
                    FileTime modified = Files.getLastModifiedTime(p);
                    if (modified.toInstant().isBefore(stale)) {
                        Files.deleteIfExists(p);
                    }
                } else {
                    long version = versionOf(name);
                    if (version >= 0 && version < keepFrom) {
                        Files.deleteIfExists(p);
                    }
                }
            } catch (IOException e) {
                // Another writer collected it first, or the disk refused: harmless, the next write tries again.
            }
        }
    }

    /**
     * Creates the directory with {@code bytes} as version 1, unless it exists; false when it already did. The new
     * directory's entry is always forced to disk: a later grant forces only its own version and this directory, so
     * without it a power loss could drop the whole directory and with it the count of tokens.
     *
     * @param durable whether version 1 itself is forced to disk (a record moved from the earlier layout; a
     *     never-used lease's free record need not be: lost before any grant forced a later version, it reads as
     *     a never-used lease again, or as corrupt, which is reset above every token)
     */
    boolean create(byte[] bytes, boolean durable) throws IOException {
        Path parent = dir.getParent();
        // Not createTempDirectory: its owner-only mode would lock out processes of other users sharing the directory.
        Path staging = Files.createDirectory(parent.resolve(".staging-" + dir.getFileName() + "-"
                + ProcessHandle.current().pid() + "-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36)));
        try {
            if (durable) {
                Files.write(staging.resolve("1"), bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.SYNC);
            } else {
                Files.write(staging.resolve("1"), bytes, StandardOpenOption.CREATE_NEW);
            }
            try {
                Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                // rename(2) refuses to replace a non-empty directory (ENOTEMPTY, reported as a plain
                // FileSystemException): another process created it first.
                if (exists()) {
                    return false;
                }
                throw e;
            }
            forceDirectory(parent);
            return true;
        } finally {
            deleteTree(staging);
        }
    }

    private static void deleteTree(Path staging) throws IOException {
        if (!Files.isDirectory(staging)) {
            return;
        }
        try (DirectoryStream<Path> s = Files.newDirectoryStream(staging)) {
            for (Path p : s) {
                Files.deleteIfExists(p);
            }
        }
        Files.deleteIfExists(staging);
    }

    private List<Path> listVersions() throws IOException {
        List<Path> out = new ArrayList<>();
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            for (Path p : s) {
                out.add(p);
            }
        }
        return out;
    }

    private static long newest(List<Path> entries) {
        long newest = 0;
        for (Path p : entries) {
            newest = Math.max(newest, versionOf(p.getFileName().toString()));
        }
        return newest;
    }

    /** The version a file name stands for; -1 for anything else (preparation files, strays). */
    static long versionOf(String fileName) {
        if (fileName.isEmpty() || fileName.length() > 18) {
            return -1;
        }
        for (int i = 0; i < fileName.length(); i++) {
            char c = fileName.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
        }
        return Long.parseLong(fileName);
    }

    private void forceDirectory() {
        forceDirectory(dir);
    }

    /** Makes a link or rename durable; best effort, as not every platform can open a directory. */
    private static void forceDirectory(Path d) {
        try (FileChannel ch = FileChannel.open(d, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | RuntimeException e) {
            // Durability of the directory entry is best effort (see FileLeaseStore's sync option).
        }
    }
}
