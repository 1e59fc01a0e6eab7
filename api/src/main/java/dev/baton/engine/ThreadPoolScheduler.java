package dev.baton.engine;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link Scheduler}: {@link System#nanoTime()} and a small pool of daemon threads named
 * {@code baton-lease-N}. One thread can serve many groups because tasks are short; a second one keeps deadline
 * checks running while the first waits on a slow backend call.
 */
public final class ThreadPoolScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ThreadPoolScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;

    /** @param threads the number of threads, at least 1 */
    public ThreadPoolScheduler(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("scheduler threads must be at least 1, got " + threads);
        }
        this.executor = new ScheduledThreadPoolExecutor(threads, daemonThreads("baton-lease-"));
        executor.setRemoveOnCancelPolicy(true);
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
    }

    static ThreadFactory daemonThreads(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + count.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public long nanoTime() {
        return System.nanoTime();
    }

    @Override
    public Instant wallClock() {
        return Instant.now();
    }

    @Override
    public Cancellable schedule(Runnable task, long delayNanos) {
        if (executor.isShutdown()) {
            return () -> {};
        }
        var future = executor.schedule(() -> {
            try {
                task.run();
            } catch (VirtualMachineError e) {
                // Not a bug of ours: give it to the thread's handler as if the thread died of it (the executor would
                // keep it in a future nobody reads); the pool thread lives on for the other groups.
                Thread t = Thread.currentThread();
                t.getUncaughtExceptionHandler().uncaughtException(t, e);
            } catch (RuntimeException | Error e) {
                LOG.log(Level.ERROR, LogIds.TASK_FAILED + ": a Baton scheduler task failed; this is a bug, in Baton or"
                        + " in the lease store: please report it with this stack trace", e);
            }
        }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        return () -> future.cancel(false);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
