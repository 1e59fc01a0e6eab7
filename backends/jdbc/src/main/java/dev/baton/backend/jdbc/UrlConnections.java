package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * Baton's own connections to {@code baton.jdbc.url}, separate from any application pool: a saturated application
 * pool cannot delay a renewal. Up to {@link #MAX_IDLE} connections are kept between operations for reuse (a renewal
 * then costs one round trip, not a connect and a login); they belong to Baton alone and are dropped after any
 * connection error.
 *
 * <p>Opening one takes several round trips (TCP, the startup and authentication exchange, TLS when used): four to six,
 * more than an operation's timeout allows on a slow link with a tenth of the ttl of round-trip time. So an opening
 * may take {@link #OPEN_BUDGET} call timeouts: the operation that started it still waits only its own timeout, a
 * connection that arrives after it gave up is kept for the next operation instead of being closed, and an operation
 * that finds such an opening under way waits for it rather than starting another (which would never catch up).
 */
final class UrlConnections extends ConnectionSource {

    /** Idle connections kept: the engine's scheduler runs two threads. */
    static final int MAX_IDLE = 2;
    /** How many call timeouts an opening may take in the background (a third of the ttl each, by default). */
    static final int OPEN_BUDGET = 3;

    private final String url;
    private final String shownUrl;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Dialect dialect;
    private final Deque<Connection> idle = new ArrayDeque<>();
    /** How long opening took, for idle connections not used yet (an abandoned opening's); guarded by {@code idle}. */
    private final java.util.Map<Connection, Long> unused = new java.util.IdentityHashMap<>();
    /** Openings under way that their operation gave up on; guarded by {@code idle}, which is notified on each end. */
    private int abandoned;
    private boolean closed;
    /** Keeps what an abandoned opening brings, for the next operation. */
    private final BoundedOpener.Late keepLate = new BoundedOpener.Late() {
        @Override
        public void abandoned() {
            synchronized (idle) {
                abandoned++;
            }
        }

        @Override
        public void arrived(Connection c, long openedNanos) {
            synchronized (idle) {
                abandoned--;
                idle.notifyAll();
                if (!closed && idle.size() < MAX_IDLE) {
                    idle.addLast(c);
                    unused.put(c, openedNanos);
                    return;
                }
            }
            BoundedOpener.closeQuietly(c);
        }

        @Override
        public void failed() {
            synchronized (idle) {
                abandoned--;
                idle.notifyAll();
            }
        }
    };

    @Override
    Object database() {
        return url;
    }

    UrlConnections(String url, Optional<String> user, Optional<String> password, Dialect dialect) {
        this.url = url;
        this.shownUrl = redactUrl(url);
        this.user = user;
        this.password = password;
        this.dialect = dialect;
    }

    /**
     * @param url a JDBC URL
     * @return the URL without user information or parameters (which may carry a password)
     */
    static String redactUrl(String url) {
        String u = url;
        int q = indexOfAny(u, '?', ';');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        int scheme = u.indexOf("//");
        int at = u.indexOf('@', Math.max(scheme, 0));
        if (scheme >= 0 && at > scheme) {
            u = u.substring(0, scheme + 2) + u.substring(at + 1);
        }
        return u;
    }

    private static int indexOfAny(String s, char a, char b) {
        int i = s.indexOf(a);
        int j = s.indexOf(b);
        return i < 0 ? j : j < 0 ? i : Math.min(i, j);
    }

    @Override
    Borrowed borrow(Duration limit) throws SQLException {
        long end = System.nanoTime() + limit.toNanos();
        Connection c;
        synchronized (idle) {
            if (closed) {
                throw new IllegalStateException("the JDBC lease store is closed");
            }
            c = idle.pollFirst();
            unused.remove(c); // ready at once: how long it took to open no longer matters
            while (c == null && abandoned > 0 && !closed) {
                long left = end - System.nanoTime();
                if (left <= 0) {
                    throw new SQLTimeoutException("a connection to " + shownUrl + " is still being opened (more than "
                            + limit.toMillis() + " ms)");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(idle, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new SQLException("interrupted while waiting for a connection to " + shownUrl, e);
                }
                c = idle.pollFirst();
            }
        }
        long opened;
        if (c == null) {
            long t0 = System.nanoTime();
            c = open(Duration.ofNanos(Math.max(0, end - System.nanoTime())), limit.multipliedBy(OPEN_BUDGET),
                    keepLate);
            opened = System.nanoTime() - t0;
        } else {
            synchronized (idle) {
                Long o = unused.remove(c);
                opened = o == null ? 0 : o;
            }
        }
        return new Borrowed(c, 0, true, opened);
    }

    @Override
    void giveBack(Borrowed borrowed, boolean healthy) {
        Connection c = borrowed.connection();
        if (healthy) {
            synchronized (idle) {
                if (!closed && idle.size() < MAX_IDLE) {
                    idle.addFirst(c);
                    return;
                }
            }
        }
        BoundedOpener.closeQuietly(c);
    }

    @Override
    void discardIdle() {
        Connection[] dropped;
        synchronized (idle) {
            dropped = idle.toArray(new Connection[0]);
            idle.clear();
            unused.clear();
        }
        for (Connection c : dropped) {
            BoundedOpener.closeQuietly(c);
        }
    }

    @Override
    Connection openDedicated(Duration limit) throws SQLException {
        // The notification listener's own thread waits for it: it may wait as long as the opening may take.
        Duration budget = limit.multipliedBy(OPEN_BUDGET);
        return open(budget, budget, null);
    }

    private Connection open(Duration limit, Duration budget, BoundedOpener.Late late) throws SQLException {
        Properties props = dialect.connectProperties(budget);
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        try {
            String what = "a connection to " + shownUrl;
            return late == null ? opener.open(() -> DriverManager.getConnection(url, props), limit, what)
                    : opener.open(() -> DriverManager.getConnection(url, props), limit, what, late);
        } catch (SQLException e) {
            String message = redact(String.valueOf(e.getMessage()));
            if (message.equals(e.getMessage())) {
                throw e;
            }
            // The driver quoted a secret: keep the state and code, drop the original (and its message).
            throw new SQLException(message, e.getSQLState(), e.getErrorCode());
        }
    }

    @Override
    Optional<Dialect> knownDialect() {
        return Optional.of(dialect);
    }

    @Override
    String describe() {
        return shownUrl;
    }

    @Override
    String redact(String message) {
        String m = message.replace(url, shownUrl);
        if (password.isPresent() && !password.get().isEmpty()) {
            m = m.replace(password.get(), "****");
        }
        return m;
    }

    @Override
    public void close() {
        synchronized (idle) {
            closed = true;
        }
        discardIdle();
        super.close();
    }
}
