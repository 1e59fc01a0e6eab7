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
 * caller waits only as long as its budget allows. An opening the caller gave up on goes on; the connection it brings
 * goes to the caller's {@link Late} handler (closed by default, so none leaks).
 */
final class BoundedOpener implements AutoCloseable {

    /** What becomes of an opening that outlived its caller. */
    interface Late {
        /** The caller gave up while the opening went on; exactly one of the two methods below follows. */
        void abandoned();

        /**
         * @param c the connection the abandoned opening brought, now the handler's
         * @param openedNanos how long the opening took
         */
        void arrived(Connection c, long openedNanos);

        /** The abandoned opening failed. */
        void failed();
    }

    /** Closes what an abandoned opening brings. */
    private static final Late CLOSE = new Late() {
        @Override
        public void abandoned() {}

        @Override
        public void arrived(Connection c, long openedNanos) {
            closeQuietly(c);
        }

        @Override
        public void failed() {}
    };

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
        return open(opener, limit, what, CLOSE);
    }

    /**
     * @param opener the blocking call
     * @param limit how long the caller may wait
     * @param what what is being opened, for the timeout message
     * @param late told when the caller gives up on the opening, and then of its outcome
     * @return the connection
     * @throws SQLException the opener's error, or a {@link SQLTimeoutException} when the limit passed first
     */
    Connection open(Callable<Connection> opener, Duration limit, String what, Late late) throws SQLException {
        if (limit.isNegative() || limit.isZero()) {
            throw new SQLTimeoutException("no time left to open " + what);
        }
        CompletableFuture<Connection> result = new CompletableFuture<>();
        try {
            threads.execute(() -> {
                long started = System.nanoTime();
                try {
                    Connection c = opener.call();
                    if (!result.complete(c)) {
                        late.arrived(c, System.nanoTime() - started); // the caller gave up meanwhile
                    }
                } catch (Throwable t) {
                    if (!result.completeExceptionally(t)) {
                        late.failed();
                    }
                }
            });
        } catch (RejectedExecutionException e) {
            throw new IllegalStateException("the JDBC lease store is closed", e);
        }
        try {
            return result.get(limit.toNanos(), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (result.completeExceptionally(e)) {
                late.abandoned();
                throw new SQLTimeoutException("could not open " + what + " within " + limit.toMillis() + " ms");
            }
            return result.join(); // it arrived just now
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (result.completeExceptionally(e)) {
                late.abandoned();
            } else {
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
