package dev.baton.backend.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Obtains a connection within a time limit. Drivers count connect timeouts in whole seconds (or not at all, for a
 * pool's {@code getConnection()} waiting for a free connection), so the blocking call runs on a helper thread and the
 * caller waits only as long as its budget allows. A connection that arrives after the caller gave up is closed at
 * once, so none leaks.
 */
final class BoundedOpener implements AutoCloseable {

    private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-jdbc-connect");
        t.setDaemon(true);
        return t;
    });

    /**
     * @param opener the blocking call
     * @param limit how long the caller may wait
     * @param what what is being opened, for the timeout message
     * @return the connection
     * @throws SQLException the opener's error, or a {@link SQLTimeoutException} when the limit passed first
     */
    Connection open(Callable<Connection> opener, Duration limit, String what) throws SQLException {
        if (limit.isNegative() || limit.isZero()) {
            throw new SQLTimeoutException("no time left to open " + what);
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                try {
                    Connection c = opener.call();
                    if (!result.complete(c)) {
                        closeQuietly(c); // the caller gave up meanwhile
                    }
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the JDBC lease store is closed", e);
        }
        try {
            return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                throw new SQLTimeoutException("could not open " + what + " within " + limit.toMillis() + " ms");
            }
            return result.join(); // it arrived just now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (!result.completeExceptionally(e)) {
                closeQuietly(result.join());
            }
            throw new SQLException("interrupted while opening " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SQLException sql) {
                throw sql;
            }
            if (cause instanceof Error error) {
                throw error;
            }
            throw new SQLException("opening " + what + " failed: " + cause, cause);
        }
    }

    static void closeQuietly(Connection c) {
        if (c == null) {
            return;
        }
        try {
            c.close();
        } catch (SQLException | RuntimeException ignored) {
            // already broken; nothing more to release
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
