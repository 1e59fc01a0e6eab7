package dev.baton.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.PriorityQueue;

/**
 * A {@link Scheduler} whose time moves only when a test says so. {@link #advance(Duration)} runs every task that
 * falls due, in time order, on the calling thread; time never moves by itself, so a test can prove what happens
 * when "no thread has run since".
 *
 * <p>Thread-safe: other threads may schedule while a test advances time.
 */
public final class ManualScheduler implements Scheduler {

    private final PriorityQueue<Entry> queue = new PriorityQueue<>();
    private long now;
    private long sequence;
    private final Instant epoch = Instant.parse("2026-01-01T00:00:00Z");

    private static final class Entry implements Comparable<Entry> {
        final long due;
        final long seq;
        final Runnable task;
        volatile boolean cancelled;

        Entry(long due, long seq, Runnable task) {
            this.due = due;
            this.seq = seq;
            this.task = task;
        }

        @Override
        public int compareTo(Entry o) {
            int c = Long.compare(due, o.due);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    /** A scheduler whose clock starts at one second. */
    public ManualScheduler() {
        this(1_000_000_000L);
    }

    /**
     * @param startNanos the initial reading of {@link #nanoTime()}; may be negative, as {@link System#nanoTime()} may
     */
    public ManualScheduler(long startNanos) {
        this.now = startNanos;
    }

    @Override
    public synchronized long nanoTime() {
        return now;
    }

    @Override
    public synchronized Instant wallClock() {
        return epoch.plusNanos(now);
    }

    @Override
    public synchronized Cancellable schedule(Runnable task, long delayNanos) {
        Entry e = new Entry(now + Math.max(0, delayNanos), sequence++, task);
        queue.add(e);
        return () -> e.cancelled = true;
    }

    /**
     * Moves time forward by {@code duration}, running every task due up to the new time (including tasks those
     * tasks schedule) on the calling thread, each at its own due time.
     *
     * @param duration how far to move, not negative
     */
    public void advance(Duration duration) {
        long target;
        synchronized (this) {
            target = now + duration.toNanos();
        }
        while (true) {
            Entry next;
            synchronized (this) {
                next = queue.peek();
                if (next == null || next.due > target) {
                    now = Math.max(now, target); // a task may have jumped past the target: time never goes back
                    return;
                }
                queue.poll();
                now = Math.max(now, next.due);
            }
            if (!next.cancelled) {
                next.task.run();
            }
        }
    }

    /**
     * Moves time forward by {@code duration} without running anything: what a process sees after a long GC pause or
     * a {@code SIGSTOP}, or when its scheduler threads are starved. Tasks that fell due run at the next
     * {@link #advance(Duration)} or {@link #runDueTasks()}.
     *
     * @param duration how far to jump, not negative
     */
    public synchronized void jumpWithoutRunning(Duration duration) {
        now += duration.toNanos();
    }

    /** Runs the tasks due now without moving time. */
    public void runDueTasks() {
        advance(Duration.ZERO);
    }

    /** @return the number of tasks waiting (cancelled ones included until their time comes) */
    public synchronized int pendingTasks() {
        return (int) queue.stream().filter(e -> !e.cancelled).count();
    }

    @Override
    public synchronized void close() {
        queue.clear();
    }
}
