package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Optional;

/**
 * Where the store's connections come from: Baton's own connections to a URL ({@link UrlConnections}) or a
 * {@code DataSource} owned by the container or the application ({@link DataSourceConnections}). Lease operations
 * borrow a connection for one statement and give it back at once; only the notification listener keeps one.
 */
abstract sealed class ConnectionSource implements AutoCloseable permits UrlConnections, DataSourceConnections {

    /**
     * A connection lent to one operation, with what must be restored when it is given back.
     *
     * @param openedNanos how long opening it took, when the operation had to wait for its opening (its own, or one
     *     an earlier operation gave up on); 0 for a connection that was ready (or from a pool)
     */
    record Borrowed(Connection connection, int savedNetworkTimeout, boolean savedAutoCommit, long openedNanos) {
        Borrowed(Connection connection, int savedNetworkTimeout, boolean savedAutoCommit) {
            this(connection, savedNetworkTimeout, savedAutoCommit, 0);
        }
    }

    /** Runs {@code setNetworkTimeout} callbacks inline: drivers only use the executor to abort. */
    static final java.util.concurrent.Executor DIRECT = Runnable::run;

    protected final BoundedOpener opener = new BoundedOpener();

    /**
     * @param limit how long the caller may wait for it
     * @return a connection in auto-commit mode
     * @throws SQLException when none can be had within the limit
     */
    abstract Borrowed borrow(Duration limit) throws SQLException;

    /**
     * @param borrowed what {@link #borrow} returned
     * @param healthy false after an error: the connection is closed rather than reused
     */
    abstract void giveBack(Borrowed borrowed, boolean healthy);

    /** Forgets idle connections after a connection failure: they are probably broken too (database restarted). */
    void discardIdle() {}

    /**
     * @param limit how long the caller may wait for it
     * @return a connection the caller keeps (the notification listener's)
     * @throws SQLException when none can be had within the limit
     */
    abstract Connection openDedicated(Duration limit) throws SQLException;

    /** @return the dialect, when the source knows it without connecting (from the URL) */
    abstract Optional<Dialect> knownDialect();

    /** @return what identifies the database in this JVM: equal for sources on the same database (never shown) */
    abstract Object database();

    /** @return where connections come from, for messages (never secrets) */
    abstract String describe();

    /**
     * Removes secrets a driver may have copied into an error message.
     *
     * @param message a driver's message
     * @return the message without secrets
     */
    String redact(String message) {
        return message;
    }

    @Override
    public void close() {
        opener.close();
    }
}
