package dev.baton.bench;

import java.time.Duration;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a condition by polling every 0.5 ms, returning when it became true; the resolution of our timings. */
final class Poll {

    private Poll() {}

    /**
     * Starts {@code close} on its own thread and waits for {@code leads}: a handover is over when the next leader
     * leads, whether or not the old one has finished closing (closing a store client can take longer than the
     * handover, e.g. a ZooKeeper session close).
     *
     * @return nanoseconds from the start of {@code close} until {@code leads} was seen true
     */
    static long handover(String what, AutoCloseable close, BooleanSupplier leads, Duration timeout)
            throws Exception {
        FutureTask<Void> closing = new FutureTask<>(() -> {
            close.close();
            return null;
        });
        Thread closer = new Thread(closing, "bench-close");
        long t0 = System.nanoTime();
        closer.start();
        long t1 = until(what, leads, timeout);
        closing.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return t1 - t0;
    }

    /**
     * @return the {@link System#nanoTime()} at which {@code condition} was first seen true
     * @throws IllegalStateException when it stays false for {@code timeout}
     */
    static long until(String what, BooleanSupplier condition, Duration timeout) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.getAsBoolean()) {
                return System.nanoTime();
            }
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("timed out after " + timeout.toMillis() + " ms waiting until " + what);
            }
            try {
                Thread.sleep(0, 500_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting until " + what, e);
            }
        }
    }
}
