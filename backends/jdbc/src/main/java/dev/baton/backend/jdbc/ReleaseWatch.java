package dev.baton.backend.jdbc;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Lease watches for a database without notifications (MariaDB): followers learn of a release without waiting for the
 * lease to expire, in two ways.
 *
 * <ul>
 *   <li><b>In this JVM, at once</b>: a release by any store of this JVM on the same database and table
 *       ({@link #released}) calls the watchers of that lease in every such store, on each store's watch thread (not
 *       the releasing thread, which may hold its own locks). Graceful handover between participants of one JVM costs
 *       no more than the release, a thread hand-off and the follower's acquire.</li>
 *   <li><b>From other hosts, by polling</b>: one daemon thread per store asks, every poll interval, which of the
 *       leases it watches are free (expired or released), in one query for all of them ({@code freeAmong}), and wakes
 *       their watchers. Leases this store holds are left out (their holder is here), so a participant that only
 *       leads sends nothing; with nothing to ask, it sends nothing at all.</li>
 * </ul>
 *
 * <p>Spurious wake-ups are harmless: a follower woken while the lease is still held reads the holder again and sleeps
 * until it can expire.
 */
final class ReleaseWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReleaseWatch.class.getName());

    /** Every open watch of this JVM by database and table, so a release wakes the followers of every store there. */
    private static final Map<Object, Set<ReleaseWatch>> LOCAL = new ConcurrentHashMap<>();

    /** One registration; a wrapper so the same callback may be registered twice and removed once. */
    private static final class Watcher {
        final Runnable callback;

        Watcher(Runnable callback) {
            this.callback = callback;
        }
    }

    private final Object key;
    private final Duration pollInterval;
    private final Function<List<String>, List<String>> freeAmong;
    private final Set<String> held;
    private final String label;
    private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final Object state = new Object();
    private volatile Thread poller; // set under state
    /** Leases released in this JVM whose watchers the watch thread calls next. */
    private final Queue<String> pending = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    /**
     * @param key the database and table (equal keys: the same table)
     * @param pollInterval how often followers on other hosts' releases are looked for
     * @param freeAmong of some stored lease names, those that are free now (one query; throws when the database
     *     cannot answer)
     * @param held the stored names of the leases this store holds (not polled)
     * @param label the store, for messages
     */
    ReleaseWatch(Object key, Duration pollInterval, Function<List<String>, List<String>> freeAmong, Set<String> held,
            String label) {
        this.key = key;
        this.pollInterval = pollInterval;
        this.freeAmong = freeAmong;
        this.held = held;
        this.label = label;
        LOCAL.computeIfAbsent(key, k -> new CopyOnWriteArraySet<>()).add(this);
    }

    /**
     * @param storedName the lease name as stored
     * @param onChange the callback
     * @return a handle removing the watcher
     */
    AutoCloseable watch(String storedName, Runnable onChange) {
        Watcher w = new Watcher(onChange);
        watchers.computeIfAbsent(storedName, k -> new CopyOnWriteArraySet<>()).add(w);
        synchronized (state) {
            if (poller == null && !closed) {
                poller = new Thread(this::poll, "baton-jdbc-poll");
                poller.setDaemon(true);
                poller.start();
            }
        }
        return () -> {
            Set<Watcher> set = watchers.get(storedName);
            if (set != null) {
                set.remove(w);
                if (set.isEmpty()) {
                    watchers.remove(storedName, set);
                }
            }
        };
    }

    /**
     * A store of this JVM released a lease: wakes its watchers in every store on the same table.
     *
     * @param key the releasing store's database and table
     * @param storedName the lease name as stored
     */
    static void released(Object key, String storedName) {
        Set<ReleaseWatch> same = LOCAL.get(key);
        if (same != null) {
            for (ReleaseWatch w : same) {
                w.wakeSoon(storedName);
            }
        }
    }

    private void wakeSoon(String storedName) {
        Thread t = poller;
        if (t != null && !closed && watchers.containsKey(storedName)) {
            pending.add(storedName);
            LockSupport.unpark(t);
        }
    }

    private void wake(String storedName) {
        Set<Watcher> set = watchers.get(storedName);
        if (set == null || closed) {
            return;
        }
        for (Watcher w : set) {
            try {
                w.callback.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.WATCHER_FAILED + ": {0}: a watcher of lease ''{1}'' threw: {2}", label,
                        storedName, String.valueOf(e));
            }
        }
    }

    /** The watch thread: calls the watchers of leases released in this JVM at once, and polls every interval. */
    private void poll() {
        long next = System.nanoTime() + pollInterval.toNanos();
        while (!closed) {
            for (String name; (name = pending.poll()) != null; ) {
                wake(name);
            }
            long left = next - System.nanoTime();
            if (left > 0) {
                LockSupport.parkNanos(this, left);
                if (Thread.interrupted()) {
                    return;
                }
                continue;
            }
            next = System.nanoTime() + pollInterval.toNanos();
            List<String> asked = new ArrayList<>();
            for (String name : watchers.keySet()) {
                if (!held.contains(name)) {
                    asked.add(name);
                }
            }
            if (asked.isEmpty() || closed) {
                continue;
            }
            try {
                for (String free : freeAmong.apply(asked)) {
                    wake(free);
                }
            } catch (RuntimeException e) {
                // The database is unreachable or slow: followers still wake when the lease can expire, and the
                // engine's own calls report the failure.
                LOG.log(Level.DEBUG, "{0}: looking for released leases failed: {1}", label, String.valueOf(e));
            }
        }
    }

    @Override
    public void close() {
        Thread t;
        synchronized (state) {
            closed = true;
            t = poller;
            poller = null;
        }
        LOCAL.computeIfPresent(key, (k, set) -> {
            set.remove(this);
            return set.isEmpty() ? null : set;
        });
        watchers.clear();
        if (t != null) {
            t.interrupt();
        }
    }
}
