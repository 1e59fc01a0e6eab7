package dev.baton.backend.file;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * The one watcher thread of a {@link FileLeaseStore}, multiplexing every watched lease:
 * <ul>
 *   <li>a {@link WatchService} on each watched lease's {@linkplain RecordVersions records directory} reports a new
 *       version at once (a release or a handover in another process), so a graceful handover does not wait for a
 *       poll; one on the lease directory notices a records directory created after the watch began;</li>
 *   <li>every poll interval it checks each watched lease's holder for liveness: a process killed with
 *       {@code kill -9} writes nothing, and the only sign of its death is that the OS freed its liveness lock.</li>
 * </ul>
 * Callbacks run when what a follower cares about changed (holder, token, liveness), not on every renewal. The
 * thread starts with the first watch and stops when the store closes.
 */
final class DirectoryWatcher {
    private static final System.Logger LOG = System.getLogger(DirectoryWatcher.class.getName());

    private final FileLeaseStore store;
    private final Path dir;
    private final Duration pollInterval;
    private final Map<String, List<Runnable>> callbacks = new ConcurrentHashMap<>();
    /** Watched names by file stem, to route WatchService events. */
    private final Map<String, String> namesByStem = new ConcurrentHashMap<>();
    private final Map<String, FileLeaseStore.Observed> lastSeen = new ConcurrentHashMap<>();
    /** The records directories registered with the service, by lease name; touched only under this object's lock. */
    private final Map<String, WatchKey> recordKeys = new java.util.HashMap<>();
    /** Lease names by registered records directory, to route events. */
    private final Map<Path, String> namesByRecords = new ConcurrentHashMap<>();
    private Thread thread;
    private WatchService service;
    private volatile boolean closed;

    DirectoryWatcher(FileLeaseStore store, Path dir, Duration pollInterval) {
        this.store = store;
        this.dir = dir;
        this.pollInterval = pollInterval;
    }

    synchronized AutoCloseable add(String name, Runnable onChange) {
        if (closed) {
            throw new IllegalStateException("the file lease store on " + dir + " is closed");
        }
        List<Runnable> list = callbacks.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>());
        list.add(onChange);
        namesByStem.put(LeaseFileNames.stem(name), name);
        lastSeen.putIfAbsent(name, store.observe(name));
        if (thread == null) {
            start();
        }
        registerRecords(name);
        return () -> remove(name, onChange);
    }

    private synchronized void remove(String name, Runnable onChange) {
        List<Runnable> list = callbacks.get(name);
        if (list != null) {
            list.remove(onChange);
            if (list.isEmpty()) {
                callbacks.remove(name);
                namesByStem.remove(LeaseFileNames.stem(name));
                lastSeen.remove(name);
                WatchKey key = recordKeys.remove(name);
                if (key != null) {
                    key.cancel();
                    namesByRecords.values().remove(name);
                }
            }
        }
    }

    private void start() {
        try {
            service = dir.getFileSystem().newWatchService();
            dir.register(service, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                    StandardWatchEventKinds.ENTRY_DELETE);
        } catch (IOException | UnsupportedOperationException e) {
            LOG.log(Level.INFO, "No file-change notification on {0} ({1}); followers rely on the {2} ms poll", dir,
                    e, Long.toString(pollInterval.toMillis()));
            service = null;
        }
        thread = new Thread(this::run, "baton-file-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long nextPoll = System.nanoTime() + pollInterval.toNanos();
        while (!closed) {
            try {
                long wait = Math.max(0, nextPoll - System.nanoTime());
                WatchKey key = service == null ? sleep(wait) : service.poll(wait, TimeUnit.NANOSECONDS);
                if (key != null) {
                    String recordsOf = key.watchable() instanceof Path watched ? namesByRecords.get(watched) : null;
                    for (WatchEvent<?> event : key.pollEvents()) {
                        if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                            checkAll();
                        } else if (recordsOf != null) {
                            // A new version; a writer's preparation file is not one (it is linked as one next).
                            if (event.context() instanceof Path p
                                    && RecordVersions.versionOf(p.getFileName().toString()) >= 0) {
                                check(recordsOf);
                            }
                        } else if (event.context() instanceof Path p) {
                            leaseDirectoryChanged(p.getFileName().toString());
                        }
                    }
                    if (!key.reset() && recordsOf != null) {
                        // The records directory is gone (deleted by hand): register it again once it is back.
                        forgetRecords(recordsOf, key);
                    }
                }
                if (System.nanoTime() - nextPoll >= 0) {
                    checkAll();
                    nextPoll = System.nanoTime() + pollInterval.toNanos();
                }
            } catch (InterruptedException | ClosedWatchServiceException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.WATCHER_FAILED + ": the lease watcher of " + dir + " failed; it goes on"
                        + " (followers may wake at expiry instead of at a release)", e);
            }
        }
    }

    private static WatchKey sleep(long nanos) {
        java.util.concurrent.locks.LockSupport.parkNanos(nanos);
        return null;
    }

    /** A new records directory of a watched lease is registered; a changed file of the earlier layout is checked. */
    private void leaseDirectoryChanged(String file) {
        String stem = file.endsWith(RecordVersions.SUFFIX)
                ? file.substring(0, file.length() - RecordVersions.SUFFIX.length())
                : file.endsWith(".lease") ? file.substring(0, file.length() - ".lease".length()) : null;
        String name = stem == null ? null : namesByStem.get(stem);
        if (name != null) {
            registerRecords(name);
            check(name);
        }
    }

    private void checkAll() {
        for (String name : callbacks.keySet()) {
            registerRecords(name);
            check(name);
        }
    }

    private synchronized void forgetRecords(String name, WatchKey key) {
        if (recordKeys.remove(name, key)) {
            namesByRecords.values().remove(name);
        }
    }

    /**
     * Registers the records directory of {@code name} once it exists (the first operation on a lease creates it);
     * until then the lease directory's own watch and the poll stand in.
     */
    private synchronized void registerRecords(String name) {
        if (service == null || closed || recordKeys.containsKey(name) || !callbacks.containsKey(name)) {
            return;
        }
        Path records = RecordVersions.directoryOf(dir, LeaseFileNames.stem(name));
        if (!java.nio.file.Files.isDirectory(records)) {
            return;
        }
        try {
            WatchKey key = records.register(service, StandardWatchEventKinds.ENTRY_CREATE);
            recordKeys.put(name, key);
            namesByRecords.put(records, name);
        } catch (IOException | ClosedWatchServiceException e) {
            LOG.log(Level.DEBUG, "Cannot watch {0} ({1}); the poll stands in", records, e);
        }
    }

    private void check(String name) {
        List<Runnable> list = callbacks.get(name);
        if (list == null) {
            return;
        }
        FileLeaseStore.Observed now = store.observe(name);
        FileLeaseStore.Observed before = lastSeen.put(name, now);
        if (now.equals(before)) {
            return;
        }
        for (Runnable r : list) {
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.CALLBACK_FAILED + ": a lease watch callback failed; watching goes on", e);
            }
        }
    }

    synchronized void close() {
        closed = true;
        // Never interrupt the thread: it may be using a shared lock-file channel (see IoThreads).
        if (thread != null) {
            java.util.concurrent.locks.LockSupport.unpark(thread);
        }
        if (service != null) {
            try {
                service.close();
            } catch (IOException ignored) {
                // Closing only frees the inotify descriptor.
            }
        }
    }
}
