package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;
import java.util.Properties;

/**
 * Baton's own connections to {@code baton.jdbc.url}, separate from any application pool: a saturated application
 * pool cannot delay a renewal. Up to {@link #MAX_IDLE} connections are kept between operations for reuse (a renewal
 * then costs one round trip, not a connect and a login); they belong to Baton alone and are dropped after any
 * connection error.
 */
final class UrlConnections extends ConnectionSource {

    /** Idle connections kept: the engine's scheduler runs two threads. */
    static final int MAX_IDLE = 2;

    private final String url;
    private final String shownUrl;
    private final Optional<String> user;
    private final Optional<String> password;
    private final Dialect dialect;
    private final Deque<Connection> idle = new ArrayDeque<>();
    private boolean closed;

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
        Connection c;
        synchronized (idle) {
            if (closed) {
                throw new IllegalStateException("the JDBC lease store is closed");
            }
            c = idle.pollFirst();
        }
        if (c == null) {
            c = open(limit);
        }
        return new Borrowed(c, 0, true);
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
        }
        for (Connection c : dropped) {
            BoundedOpener.closeQuietly(c);
        }
    }

    @Override
    Connection openDedicated(Duration limit) throws SQLException {
        return open(limit);
    }

    private Connection open(Duration limit) throws SQLException {
        Properties props = dialect.connectProperties(limit);
        user.ifPresent(u -> props.setProperty("user", u));
        password.ifPresent(p -> props.setProperty("password", p));
        try {
            return opener.open(() -> DriverManager.getConnection(url, props), limit, "a connection to " + shownUrl);
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
