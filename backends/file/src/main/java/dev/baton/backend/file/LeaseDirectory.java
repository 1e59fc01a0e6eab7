package dev.baton.backend.file;

import dev.baton.spi.InvalidConfigurationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;

/** Checks that a lease directory can work: it exists, this process can write it, and it is on a local disk. */
final class LeaseDirectory {
    private static final String VALID =
            "an existing directory on a local file system that this process can write";

    /**
     * File system types (as {@code /proc/mounts} names them) whose locks or renames are not reliable between
     * processes, or that span hosts: refused, because the file backend is only safe on one host's local disk.
     */
    private static final Set<String> NETWORK_TYPES = Set.of("nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs",
            "9p", "afs", "ceph", "glusterfs", "lustre", "gpfs", "ncpfs", "coda", "davfs", "vboxsf", "virtiofs");

    private LeaseDirectory() {}

    /**
     * @param dir the configured directory
     * @param key the configuration key it came from, for the message
     * @return the directory's real path
     * @throws InvalidConfigurationException naming the key, the directory and what is wrong
     */
    static Path check(Path dir, String key) {
        String shown = dir.toString();
        if (!Files.exists(dir)) {
            throw new InvalidConfigurationException(key, shown, VALID + " (it does not exist)");
        }
        if (!Files.isDirectory(dir)) {
            throw new InvalidConfigurationException(key, shown, VALID + " (it is not a directory)");
        }
        Path real;
        try {
            real = dir.toRealPath();
        } catch (IOException e) {
            throw new InvalidConfigurationException(key, shown, VALID + " (cannot resolve it: " + e + ")");
        }
        String type = fileSystemType(real);
        if (isNetwork(type)) {
            throw new InvalidConfigurationException(key, shown, VALID + " (it is on a '" + type
                    + "' network file system, where file locks are not reliable between hosts; use a local"
                    + " directory, or a server backend such as jdbc, redis, etcd or zookeeper for several hosts)");
        }
        Path probe;
        try {
            probe = Files.createTempFile(real, ".baton-write-check-", ".tmp");
        } catch (IOException | SecurityException e) {
            throw new InvalidConfigurationException(key, shown, VALID + " (cannot create a file in it: " + e + ")");
        }
        Path link = probe.resolveSibling(probe.getFileName() + ".link");
        try {
            // Every write of a record is a hard link (RecordVersions): a file system without them cannot work.
            Files.createLink(link, probe);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            throw new InvalidConfigurationException(key, shown, VALID + " and that supports hard links (creating"
                    + " one failed: " + e + "; FAT and exFAT have none)");
        } finally {
            deleteQuietly(link);
            deleteQuietly(probe);
        }
        return real;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            // A probe left behind is harmless: its name starts with a dot and nothing reads it.
        }
    }

    static String fileSystemType(Path dir) {
        try {
            return Files.getFileStore(dir).type();
        } catch (IOException e) {
            return "unknown";
        }
    }

    static boolean isNetwork(String type) {
        String t = type.toLowerCase(Locale.ROOT);
        return NETWORK_TYPES.contains(t) || t.startsWith("nfs") || t.startsWith("smb") || t.startsWith("fuse.sshfs")
                || t.equals("fuse.s3fs") || t.equals("fuse.rclone") || t.equals("fuse.gcsfuse");
    }
}
