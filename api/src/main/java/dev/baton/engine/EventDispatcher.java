package dev.baton.engine;

import dev.baton.LeadershipChanged;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Delivers role changes to listeners on one dedicated thread ({@code baton-events}), in the order they happened,
 * never on a scheduler thread. A listener that throws is logged and does not stop delivery to the others.
 */
final class EventDispatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EventDispatcher.class.getName());

    private final ExecutorService executor = startedSingleThread();

    /**
     * One thread, started now rather than by the first event: a follower's first event is most often its first
     * leadership, and starting a thread then costs CPU on a graceful handover's path (issue 18).
     */
    private static ExecutorService startedSingleThread() {
        ThreadPoolExecutor one = new ThreadPoolExecutor(1, 1, 0, TimeUnit.NANOSECONDS, new LinkedBlockingQueue<>(),
                ThreadPoolScheduler.daemonThreads("baton-events-"));
        one.prestartCoreThread();
        return one;
    }

    void dispatch(LeadershipChanged event, List<Consumer<LeadershipChanged>> listeners) {
        dispatch(event, null, listeners);
    }

    /**
     * @param first run on the event thread before the listeners (a log line), or on the calling thread when the
     *              dispatcher is closed; may be null; must not throw
     */
    void dispatch(LeadershipChanged event, Runnable first, List<Consumer<LeadershipChanged>> listeners) {
        if (listeners.isEmpty() && first == null) {
            return;
        }
        try {
            executor.execute(() -> {
                if (first != null) {
                    first.run();
                }
                for (Consumer<LeadershipChanged> listener : listeners) {
                    try {
                        listener.accept(event);
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, LogIds.LISTENER_FAILED + ": a LeadershipChanged listener failed on " + event
                                + "; the other listeners and Baton go on", e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            if (first != null) {
                first.run();
            }
            if (listeners.isEmpty()) {
                return;
            }
            LOG.log(Level.WARNING, LogIds.EVENT_DROPPED + ": event dropped after shutdown: " + event);
        }
    }

    /**
     * Writes a log line on the event thread, in order with the events dispatched before it, or on the calling thread
     * once the dispatcher is closed.
     *
     * @param logLine must not throw
     */
    void log(Runnable logLine) {
        try {
            executor.execute(logLine);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            logLine.run();
        }
    }

    /**
     * Completes a future the user sees (the result of {@code runWhileLeader}, {@code HeldLease.ended()}) on the event
     * thread, in order with the events. A stage the user chained without {@code *Async} runs on the thread that
     * completes the future; on a lease thread a blocking one would stall the renewals of every group. Once the
     * dispatcher is closed (Baton is shutting down and no lease thread runs any more) it runs on the calling thread.
     *
     * @param completion completes the future; must not throw
     */
    void completeOffLeaseThreads(Runnable completion) {
        try {
            executor.execute(() -> {
                try {
                    completion.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, LogIds.CALLBACK_FAILED + ": a callback chained on a leader task's or one-off"
                            + " lease's future failed; Baton goes on", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            completion.run();
        }
    }

    /** Delivers what is queued, waiting at most {@code timeoutNanos}, then stops the thread. */
    void drainAndClose(long timeoutNanos) {
        executor.shutdown();
        try {
            if (!executor.awaitTermination(Math.max(0, timeoutNanos), TimeUnit.NANOSECONDS)) {
                LOG.log(Level.WARNING, LogIds.LISTENERS_TOO_SLOW + ": LeadershipChanged listeners did not finish"
                        + " within the shutdown timeout; they are interrupted; check for blocking listeners");
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        drainAndClose(TimeUnit.SECONDS.toNanos(5));
    }
}
