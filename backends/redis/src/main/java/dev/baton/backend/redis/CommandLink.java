package dev.baton.backend.redis;

import dev.baton.spi.LeaseStoreException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import java.time.Duration;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The store's one command connection, opened on first use (so an application may start before Redis), and the
 * script calls made on it, each bounded by a deadline.
 *
 * <p>A script is sent as {@code EVALSHA}; when the server answers {@code NOSCRIPT} it is sent again as {@code EVAL}
 * (which also caches it), chained on the reply so that the retry costs one more round trip and no blocking. Lettuce
 * pipelines calls made without waiting, which {@link RedisLeaseStore#renewAll} uses to renew many leases in one
 * round trip.
 */
final class CommandLink {
    private final RedisEndpoint endpoint;
    private final Duration timeout;
    /** Guarded by {@code this}: the current connection attempt or connection. */
    private CompletableFuture<StatefulRedisConnection<String, String>> connection;
    private boolean closed;

    CommandLink(RedisEndpoint endpoint, Duration timeout) {
        this.endpoint = endpoint;
        this.timeout = timeout;
    }

    /** @return a deadline one call timeout from now, on {@link System#nanoTime()} */
    long deadline() {
        return System.nanoTime() + timeout.toNanos();
    }

    /**
     * @param end the caller's deadline
     * @param what the operation, for error messages ("acquire of lease 'reports'")
     * @return an open (or auto-reconnecting) connection
     */
    StatefulRedisConnection<String, String> connection(long end, String what) {
        CompletableFuture<StatefulRedisConnection<String, String>> attempt;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the Redis lease store for " + endpoint.description() + " is closed");
            }
            if (connection != null && connection.isDone()) {
                StatefulRedisConnection<String, String> c = connection.exceptionally(e -> null).join();
                if (c == null) {
                    connection = null;
                } else if (!c.isOpen() && !endpoint.autoReconnect()) {
                    c.closeAsync();
                    connection = null;
                }
            }
            if (connection == null) {
                connection = endpoint.connect();
            }
            attempt = connection;
        }
        // A connection attempt that outlives this call is kept for the next one, so it is not cancelled here.
        StatefulRedisConnection<String, String> c = await(attempt, end, what, false);
        if (!c.isOpen()) {
            // Dropped and being re-established by Lettuce: fail now rather than have the command buffered and run
            // after the caller gave up (a late acquire or renewal only confuses the engine).
            throw new LeaseStoreException("Redis at " + endpoint.description() + " is not reachable for " + what
                    + ": the connection dropped and is being re-established");
        }
        return c;
    }

    /** Sends a script (without waiting) and falls back to {@code EVAL} on {@code NOSCRIPT}. */
    <T> CompletableFuture<T> send(StatefulRedisConnection<String, String> c, LeaseScript script, ScriptOutputType type,
            String[] keys, String... args) {
        CompletableFuture<T> first = c.async().<T>evalsha(script.sha1(), type, keys, args).toCompletableFuture();
        return first.handle((value, error) -> {
            if (error == null) {
                return CompletableFuture.completedFuture(value);
            }
            if (isNoScript(error)) {
                return c.async().<T>eval(script.body(), type, keys, args).toCompletableFuture();
            }
            return CompletableFuture.<T>failedFuture(error);
        }).thenCompose(f -> f);
    }

    /** Runs one script and waits for it until the deadline. */
    <T> T call(LeaseScript script, ScriptOutputType type, String what, String[] keys, String... args) {
        long end = deadline();
        StatefulRedisConnection<String, String> c = connection(end, what);
        return await(send(c, script, type, keys, args), end, what, true);
    }

    /**
     * Runs one script sent whole ({@code EVAL}), one request whatever the server's script cache holds, and waits for
     * it until the deadline. For a write that must take effect even when the caller gives up on its answer: with
     * {@code EVALSHA}, a {@code NOSCRIPT} reply that comes after the timeout never leads to the {@code EVAL}.
     */
    <T> T callWhole(LeaseScript script, ScriptOutputType type, String what, String[] keys, String... args) {
        long end = deadline();
        StatefulRedisConnection<String, String> c = connection(end, what);
        return await(c.async().<T>eval(script.body(), type, keys, args).toCompletableFuture(), end, what, true);
    }

    /**
     * Waits for a reply until the deadline and turns every failure into a {@link LeaseStoreException} whose message
     * names the server and the operation (never a secret).
     */
    <T> T await(CompletableFuture<T> reply, long end, String what, boolean cancelOnTimeout) {
        try {
            return reply.get(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            if (cancelOnTimeout) {
                reply.cancel(true);
            }
            throw timedOut(what, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseStoreException("interrupted while waiting for Redis at " + endpoint.description() + " ("
                    + what + ")", e);
        } catch (ExecutionException | CompletionException | CancellationException e) {
            throw translate(what, e);
        }
    }

    private LeaseStoreException timedOut(String what, Throwable e) {
        return new LeaseStoreException("Redis at " + endpoint.description() + " did not answer " + what + " within "
                + timeout.toMillis() + " ms", e);
    }

    /** Turns a Lettuce failure into a {@link LeaseStoreException} naming the server and the operation. */
    LeaseStoreException translate(String what, Throwable e) {
        Throwable cause = unwrap(e);
        if (cause instanceof RedisCommandTimeoutException) {
            return timedOut(what, cause);
        }
        String rejection = credentialsRejection(cause);
        if (rejection != null) {
            return new CredentialsRejectedException("Redis at " + endpoint.description()
                    + " refused the credentials (" + rejection + "); check the user and password in "
                    + RedisLeaseStoreFactory.URI_KEY + " or of the application's RedisClient", cause);
        }
        return new LeaseStoreException("Redis at " + endpoint.description() + " failed " + what + ": "
                + describe(cause), cause);
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private static String describe(Throwable t) {
        StringBuilder b = new StringBuilder(t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        Throwable c = t.getCause();
        if (c != null && c.getMessage() != null && !b.toString().contains(c.getMessage())) {
            b.append(" (").append(c.getMessage()).append(')');
        }
        return b.toString();
    }

    /** What Redis answers when it refuses credentials (Redis 6+ ACL, older {@code requirepass}, no AUTH sent). */
    private static final java.util.List<String> REFUSALS =
            java.util.List.of("WRONGPASS", "NOAUTH", "ERR invalid password", "ERR AUTH");

    /** @return the server's refusal when {@code t} (or a cause) is an authentication error, else null */
    static String credentialsRejection(Throwable t) {
        for (Throwable c = t; c != null && c.getCause() != c; c = c.getCause()) {
            String m = c.getMessage();
            if (m == null) {
                continue;
            }
            for (String refusal : REFUSALS) {
                int at = m.indexOf(refusal);
                if (at >= 0) {
                    return m.substring(at);
                }
            }
        }
        return null;
    }

    private static boolean isNoScript(Throwable e) {
        Throwable c = unwrap(e);
        return c instanceof RedisNoScriptException
                || (c.getMessage() != null && c.getMessage().startsWith("NOSCRIPT"));
    }

    /** Closes the connection, also one still being opened. Idempotent. */
    void close() {
        CompletableFuture<StatefulRedisConnection<String, String>> last;
        synchronized (this) {
            closed = true;
            last = connection;
            connection = null;
        }
        // Our own client's shutdown closes its connections; an application's client needs them closed here.
        if (last != null && !endpoint.owned()) {
            last.thenAccept(StatefulRedisConnection::closeAsync);
        }
    }
}
