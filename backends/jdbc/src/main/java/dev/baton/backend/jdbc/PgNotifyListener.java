package dev.baton.backend.jdbc;

import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * One {@code LISTEN} connection per store, shared by every watched lease: a dedicated daemon thread waits for
 * notifications on the table's channel and calls the watchers of the lease named in each payload.
 *
 * <p>Whenever the listener (re)connects it calls every watcher once: releases sent while it was not listening are
 * lost, and a spurious wake-up only costs a follower one acquire attempt. A periodic {@code SELECT 1} detects a
 * connection that silently died. Only loaded for PostgreSQL, so the PostgreSQL driver is needed only there.
 */
final class PgNotifyListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PgNotifyListener.class.getName());
    private static final int POLL_MILLIS = 500;
    private static final long PING_NANOS = Duration.ofSeconds(5).toNanos();
    private static final long MAX_BACKOFF_MILLIS = 2_000;

    /** One registration; a wrapper so the same callback may be registered twice and removed once. */
    private static final class Watcher {
        final Runnable callback;

        Watcher(Runnable callback) {
            this.callback = callback;
        }
    }

    private final ConnectionSource source;
    private final String channel;
    private final Duration timeout;
    private final String label;
    private final Map<String, Set<Watcher>> watchers = new ConcurrentHashMap<>();
    private final Object state = new Object();
    private Thread thread; // guarded by state
    private Connection current; // guarded by state
    private boolean listening; // guarded by state
    private volatile boolean closed;

    PgNotifyListener(ConnectionSource source, String channel, Duration timeout, String label) {
        this.source = source;
        this.channel = channel;
        this.timeout = timeout;
        this.label = label;
    }

    /**
     * Registers a watcher and waits (at most the store's timeout) until the channel is listened to, so a release
     * right after this call is not missed. When the database cannot be reached in time the watcher stays
     * registered and is called as soon as the listener connects.
     *
     * @param storedName the lease name as stored
     * @param onChange the callback
     * @return a handle removing the watcher
     */
    AutoCloseable watch(String storedName, Runnable onChange) {
        Watcher w = new Watcher(onChange);
        watchers.computeIfAbsent(storedName, k -> new CopyOnWriteArraySet<>()).add(w);
        long end = System.nanoTime() + timeout.toNanos();
        synchronized (state) {
            if (thread == null && !closed) {
                thread = new Thread(this::run, "baton-jdbc-listen");
                thread.setDaemon(true);
                thread.start();
            }
            try {
                long left;
                while (!listening && !closed && (left = end - System.nanoTime()) > 0) {
                    state.wait(Math.max(1, left / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return () -> {
            Set<Watcher> set = watchers.get(storedName);
            if (set != null) {
                set.remove(w);
            }
        };
    }

    private void run() {
        long backoff = 50;
        while (!closed) {
            Connection c = null;
            try {
                c = source.openDedicated(timeout);
                c.setNetworkTimeout(ConnectionSource.DIRECT, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
                PGConnection pg = c.unwrap(PGConnection.class);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN \"" + channel + "\"");
                }
                synchronized (state) {
                    if (closed) {
                        break;
                    }
                    current = c;
                    listening = true;
                    state.notifyAll();
                }
                backoff = 50;
                callEveryone();
                long lastPing = System.nanoTime();
                while (!closed) {
                    PGNotification[] received = pg.getNotifications(POLL_MILLIS);
                    if (received != null) {
                        for (PGNotification n : received) {
                            if (channel.equals(n.getName())) {
                                call(n.getParameter());
                            }
                        }
                    }
                    if (System.nanoTime() - lastPing > PING_NANOS) {
                        try (Statement s = c.createStatement()) {
                            s.execute("SELECT 1");
                        }
                        lastPing = System.nanoTime();
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (!closed) {
                    LOG.log(Level.DEBUG, "{0}: notification listener lost its connection ({1}); reconnecting",
                            label, source.redact(String.valueOf(e.getMessage())));
                }
            } finally {
                synchronized (state) {
                    listening = false;
                    current = null;
                }
                BoundedOpener.closeQuietly(c);
            }
            if (!closed) {
                sleep(backoff);
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            }
        }
    }

    private void sleep(long millis) {
        synchronized (state) {
            try {
                if (!closed) {
                    state.wait(millis);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void callEveryone() {
        watchers.keySet().forEach(this::call);
    }

    private void call(String storedName) {
        Set<Watcher> set = watchers.get(storedName);
        if (set == null) {
            return;
        }
        for (Watcher w : set) {
            try {
                w.callback.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.WATCHER_FAILED + ": " + label + ": a lease watcher failed; listening goes"
                        + " on", e);
            }
        }
    }

    /** Stops the thread: aborting the connection ends a blocked read at once. Idempotent. */
    @Override
    public void close() {
        Thread t;
        synchronized (state) {
            closed = true;
            t = thread;
            if (current != null) {
                try {
                    current.abort(ConnectionSource.DIRECT);
                } catch (SQLException | RuntimeException ignored) {
                    // closing anyway
                }
            }
            state.notifyAll();
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(Math.max(1000, timeout.toMillis()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        watchers.clear();
    }
}
