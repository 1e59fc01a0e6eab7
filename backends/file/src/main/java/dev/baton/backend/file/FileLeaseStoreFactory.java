package dev.baton.backend.file;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * {@code baton.backend=file}: leases in a local directory shared by the processes of one host.
 *
 * <table>
 *   <caption>Configuration</caption>
 *   <tr><th>key</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>{@code baton.file.dir}</td><td>{@code <java.io.tmpdir>/baton-leases} (created)</td>
 *       <td>the lease directory; a configured one must exist, be writable and be on a local file system</td></tr>
 *   <tr><td>{@code baton.file.lock-timeout}</td><td>1s, at most a quarter of the shortest ttl</td>
 *       <td>longest wait for another process's operation on the same lease (a stopped process may hold it); at most
 *       half the shortest ttl</td></tr>
 *   <tr><td>{@code baton.file.poll-interval}</td><td>100ms</td>
 *       <td>how often followers check whether the holder's process is still alive</td></tr>
 *   <tr><td>{@code baton.file.sync}</td><td>true</td>
 *       <td>force a record to disk when it hands out a new token, so tokens survive power loss</td></tr>
 * </table>
 */
public final class FileLeaseStoreFactory implements LeaseStoreFactory {

    /** The lease directory. */
    public static final String DIR_KEY = "baton.file.dir";
    /** The operation lock timeout. */
    public static final String LOCK_TIMEOUT_KEY = "baton.file.lock-timeout";
    /** The liveness poll interval. */
    public static final String POLL_INTERVAL_KEY = "baton.file.poll-interval";
    /** Whether token changes are forced to disk. */
    public static final String SYNC_KEY = "baton.file.sync";

    @Override
    public String name() {
        return "file";
    }

    @Override
    public boolean singleHost() {
        return true;
    }

    @Override
    public LeaseStore create(StoreContext context) {
        Path dir = directory(context);
        Duration quarterTtl = context.shortestTtl().dividedBy(4);
        Duration defaultLockTimeout =
                quarterTtl.compareTo(FileLeaseStore.DEFAULT_LOCK_TIMEOUT) < 0 ? quarterTtl
                        : FileLeaseStore.DEFAULT_LOCK_TIMEOUT;
        Duration lockTimeout = context.duration(LOCK_TIMEOUT_KEY, defaultLockTimeout);
        context.requireWithinHalfTtl(LOCK_TIMEOUT_KEY, lockTimeout); // it bounds every call (maxCallTime)
        Duration poll = context.duration(POLL_INTERVAL_KEY, FileLeaseStore.DEFAULT_POLL_INTERVAL);
        boolean sync = bool(context, SYNC_KEY, true);
        return FileLeaseStore.open(dir, lockTimeout, poll, sync);
    }

    private static Path directory(StoreContext context) {
        String configured = context.config(DIR_KEY).filter(v -> !v.isBlank()).orElse(null);
        if (configured != null) {
            try {
                return Path.of(configured.trim());
            } catch (InvalidPathException e) {
                throw new InvalidConfigurationException(DIR_KEY, configured, "a directory path (" + e.getReason() + ")");
            }
        }
        // Only the default is created: a configured directory that is missing is more likely a typo.
        Path dir = Path.of(System.getProperty("java.io.tmpdir"), "baton-leases");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new InvalidConfigurationException(DIR_KEY, null,
                    "a lease directory; the default " + dir + " cannot be created: " + e);
        }
        return dir;
    }

    private static boolean bool(StoreContext context, String key, boolean defaultValue) {
        String raw = context.config(key).map(v -> v.trim().toLowerCase(Locale.ROOT)).orElse("");
        return switch (raw) {
            case "" -> defaultValue;
            case "true" -> true;
            case "false" -> false;
            default -> throw new InvalidConfigurationException(key, raw, "true or false");
        };
    }
}
