package dev.baton.backend.file;

import dev.baton.spi.LeaseStoreException;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The JVM-wide threads that touch shared lock-file channels. They exist for two reasons:
 * <ul>
 *   <li>A {@link java.nio.channels.FileChannel} is closed when a thread using it is interrupted, and closing a lock
 *       file's channel drops every lock this JVM holds on it, liveness locks included: other processes would think
 *       a live holder dead. These threads are never interrupted, so a caller's interrupt (a scheduler shut down
 *       with {@code shutdownNow}, a cancelled task) cannot reach a channel.</li>
 *   <li>The caller waits at most {@link dev.baton.spi.LeaseStore#maxCallTime()}, even if the disk hangs.</li>
 * </ul>
 */
final class IoThreads {
    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baton-file-io");
        t.setDaemon(true);
        return t;
    });

    private IoThreads() {}

    /**
     * Runs {@code task} on an I/O thread and waits for it without being interruptible (the interrupt flag is kept).
     *
     * @param what the operation, for the timeout message
     * @param timeoutNanos the longest wait
     */
    static <T> T call(String what, long timeoutNanos, Callable<T> task) {
        Future<T> future = POOL.submit(task);
        long deadline = System.nanoTime() + timeoutNanos;
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                } catch (TimeoutException e) {
                    throw new LeaseStoreException(what + " did not finish within "
                            + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms (is the disk hung?)");
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error err) {
                        throw err;
                    }
                    throw new LeaseStoreException(what + " failed: " + cause, cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
