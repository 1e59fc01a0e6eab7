package dev.baton.engine;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The production {@link Scheduler}: {@link System#nanoTime()} and two small pools of daemon threads: {@code
 * baton-lease-N} for the leaders' renewals and releases, deadline checks and one-off leases, {@code baton-acquire-N}
 * for the followers' acquires ({@link #scheduleAcquire}). One thread can serve many groups because tasks are short; a
 * second one keeps deadline checks running while the first waits on a slow backend call. Acquires have their own
 * threads because a pool runs its tasks in the order they fell due: a participant starting 1,000 groups on a backend
 * with 10 ms requests queues 10 s of acquires, and the first leaders' renewals, due later, would wait behind them past
 * their deadlines.
 */
public final class ThreadPoolScheduler implements Scheduler {
    private static final System.Logger LOG = System.getLogger(ThreadPoolScheduler.class.getName());

    private final ScheduledThreadPoolExecutor executor;
    private final ScheduledThreadPoolExecutor acquires;

    /** @param threads the number of threads of each pool, at least 1 */
    public ThreadPoolScheduler(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("scheduler threads must be at least 1, got " + threads);
        }
        this.executor = pool(threads, "baton-lease-");
        this.acquires = pool(threads, "baton-acquire-");
    }

    private static ScheduledThreadPoolExecutor pool(int threads, String prefix) {
        ScheduledThreadPoolExecutor pool = new ScheduledThreadPoolExecutor(threads, daemonThreads(prefix));
        pool.setRemoveOnCancelPolicy(true);
        pool.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // Started now rather than by the first tasks: a pool starts a thread with each of its first tasks, so a
        // follower's lease threads would be started when it begins to lead, on a graceful handover's path (two thread
        // starts on ZooKeeper's event thread while the successor takes the lease, on two busy cores; issue 18).
        pool.prestartAllCoreThreads();
        return pool;
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
        return schedule(executor, task, delayNanos);
    }

    @Override
    public Cancellable scheduleAcquire(Runnable task, long delayNanos) {
        return schedule(acquires, task, delayNanos);
    }

    private static Cancellable schedule(ScheduledThreadPoolExecutor pool, Runnable task, long delayNanos) {
        if (pool.isShutdown()) {
            return () -> {};
        }
        var future = pool.schedule(() -> {
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
        acquires.shutdownNow();
    }
}
