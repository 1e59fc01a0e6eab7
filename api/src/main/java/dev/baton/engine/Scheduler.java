package dev.baton.engine;

import java.time.Instant;

/**
 * The engine's only source of time and timers. Production uses {@link ThreadPoolScheduler} ({@link System#nanoTime()}
 * and a small thread pool); tests use {@link ManualScheduler} to drive time deterministically.
 *
 * <p>Decisions (deadlines, retries, wake-ups) use {@link #nanoTime()} only; {@link #wallClock()} stamps events for
 * humans and is never compared with another machine's clock.
 */
public interface Scheduler extends AutoCloseable {

    /** @return a monotonic time in nanoseconds, comparable only with other values from this scheduler */
    long nanoTime();

    /** @return the wall-clock instant, for event timestamps and logs */
    Instant wallClock();

    /**
     * Runs {@code task} once after {@code delayNanos}. Tasks run on the scheduler's threads, which belong to Baton:
     * no user callback ever runs on them.
     *
     * @param task the task; an exception it throws is logged and does not stop the scheduler
     * @param delayNanos the delay, zero or negative for "as soon as possible"
     * @return a handle to cancel the task
     */
    Cancellable schedule(Runnable task, long delayNanos);

    /**
     * Runs a follower's acquire once after {@code delayNanos}, on threads of its own where the scheduler has them:
     * a burst of acquires (many groups started at once, each a request to a slow backend) must not delay the leaders'
     * renewals and deadline checks queued behind it. The default runs it as {@link #schedule} does.
     *
     * @param task the task, as {@link #schedule}'s
     * @param delayNanos the delay, zero or negative for "as soon as possible"
     * @return a handle to cancel the task
     */
    default Cancellable scheduleAcquire(Runnable task, long delayNanos) {
        return schedule(task, delayNanos);
    }

    /** Stops the scheduler; pending tasks are dropped. */
    @Override
    void close();

    /** A scheduled task that can be cancelled. */
    @FunctionalInterface
    interface Cancellable {
        /** Cancels the task if it has not started. Idempotent. */
        void cancel();
    }
}
