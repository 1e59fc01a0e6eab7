package dev.baton.backend.etcd;

import dev.baton.spi.LeaseStoreException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for jetcd futures within one operation's deadline and turns failures into {@link LeaseStoreException}s
 * whose message says what went wrong in the user's terms (wrong credentials, missing permission, unreachable).
 * jetcd's own calls wait for a ready connection and retry, so only this deadline bounds them.
 */
final class Calls {
    private final String where;
    private final Duration callTimeout;

    /**
     * @param where the store's description, starting every message
     * @param callTimeout the bound of one store operation
     */
    Calls(String where, Duration callTimeout) {
        this.where = where;
        this.callTimeout = callTimeout;
    }

    /** @return the local deadline, on {@link System#nanoTime()}, of an operation starting now */
    long deadline() {
        return System.nanoTime() + callTimeout.toNanos();
    }

    Duration callTimeout() {
        return callTimeout;
    }

    /**
     * @param future a jetcd call
     * @param deadlineNanos the operation's deadline
     * @param what the step, for messages ("acquire 'g'")
     * @return the call's result
     * @throws LeaseStoreException when the call fails or the deadline passes first
     */
    <T> T await(CompletableFuture<T> future, long deadlineNanos, String what) {
        long left = deadlineNanos - System.nanoTime();
        try {
            if (left <= 0 && !future.isDone()) {
                throw new TimeoutException();
            }
            return future.get(Math.max(left, 0), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            // Not cancelled: jetcd does not abort the RPC on cancel, and a shared keep-alive may have other waiters.
            throw new LeaseStoreException(where + ": " + what + " got no answer within " + callTimeout.toMillis()
                    + " ms (etcd unreachable, no quorum, or overloaded)");
        } catch (ExecutionException | CompletionException e) {
            throw failure(what, e.getCause() != null ? e.getCause() : e);
        } catch (CancellationException e) {
            throw new LeaseStoreException(where + ": " + what + " was cancelled", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseStoreException(where + ": interrupted during " + what, e);
        }
    }

    /** Translates a jetcd/gRPC failure; messages from etcd never carry a password. */
    LeaseStoreException failure(String what, Throwable cause) {
        String text = chainText(cause);
        String lower = text.toLowerCase(Locale.ROOT);
        String message;
        if (lower.contains("authentication failed") || lower.contains("invalid user id or password")) {
            message = "etcd rejected the configured user name or password (authentication failed); check "
                    + "baton.etcd.user and baton.etcd.password";
        } else if (lower.contains("user name is empty") || lower.contains("user name not found")
                || lower.contains("invalid auth token")) {
            message = "etcd requires authentication and the request carried no valid credentials; set "
                    + "baton.etcd.user and baton.etcd.password";
        } else if (lower.contains("permission denied")) {
            message = "the etcd user lacks permission on this store's key prefix (grant it readwrite on the prefix)";
        } else {
            message = what + " failed: " + firstLine(text);
        }
        return new LeaseStoreException(where + ": " + message, cause);
    }

    /** @return true when the failure says the etcd lease does not exist (expired or revoked) */
    static boolean isLeaseNotFound(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof io.etcd.jetcd.lease.NoSuchLeaseException) {
                return true;
            }
            String m = c.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("requested lease not found")) {
                return true;
            }
        }
        return false;
    }

    private static String chainText(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 2000; c = c.getCause()) {
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" / ");
        }
        return sb.toString();
    }

    private static String firstLine(String text) {
        int nl = text.indexOf('\n');
        String line = nl < 0 ? text : text.substring(0, nl);
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }
}
