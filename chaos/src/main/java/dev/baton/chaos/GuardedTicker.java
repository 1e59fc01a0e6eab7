package dev.baton.chaos;

import dev.baton.LeaderElection;
import dev.baton.Term;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The guarded job of a chaos participant, run every probe period (e.g. 25 ms). Time is cut into slots of one tick
 * period (e.g. 100 ms) counted from a shared epoch; each slot is a unit of scheduled work that must run exactly once
 * cluster-wide while some participant leads.
 *
 * <p>Each run enters a {@link Term}; if it gets one it executes every slot due since its last executed slot under
 * the same token (catching up after a stall), or writes a probe line when no slot is due. A new token starts at the
 * next slot boundary, never the current slot, because the previous leader may already have run the current slot.
 * Every executed unit is stamped before and after and then confirmed with {@link Term#isValid()}:
 * {@code [start, end]} therefore lies inside the store's grant of that token (start after the grant was observed,
 * end before the local deadline, which precedes the store's expiry). The checker treats only confirmed lines as work.
 *
 * <p>Record lines: {@code T slot token startNanos endNanos valid} for a slot, {@code H token startNanos endNanos
 * valid} for a probe. Not thread-safe: run it from one thread.
 */
final class GuardedTicker implements Runnable {
    private final LeaderElection election;
    private final RecordFile record;
    private final long epochNanos;
    private final long tickNanos;
    private final long unsafeWorkNanos;
    private long lastToken = Long.MIN_VALUE;
    private long nextSlot;

    /**
     * @param election the group's election
     * @param record where lines go
     * @param epochNanos slot 0 starts here ({@link System#nanoTime()} of the controller)
     * @param tickNanos the slot length
     * @param unsafeWorkNanos 0 for the real, safe job; otherwise the job runs UNSAFELY as a negative control: it
     *     checks {@code fencingToken()} once, works this long without entering a term or confirming it afterwards
     *     (the classic "check, then act" bug a GC pause exposes), and claims every line valid
     */
    GuardedTicker(LeaderElection election, RecordFile record, long epochNanos, long tickNanos, long unsafeWorkNanos) {
        this.election = election;
        this.record = record;
        this.epochNanos = epochNanos;
        this.tickNanos = tickNanos;
        this.unsafeWorkNanos = unsafeWorkNanos;
    }

    @Override
    public void run() {
        try {
            if (unsafeWorkNanos > 0) {
                runUnsafely();
            } else {
                runGuarded();
            }
        } catch (RuntimeException e) {
            // A scheduled task that throws is never run again: record it and keep ticking.
            record.line("F", "ticker-error", e.toString().replace(' ', '_'));
        }
    }

    private void runGuarded() {
        Optional<Term> entered = election.tryEnter();
        if (entered.isEmpty()) {
            return;
        }
        try (Term term = entered.get()) {
            long token = term.fencingToken();
            long start = System.nanoTime();
            long currentSlot = slotOf(start);
            if (token != lastToken) {
                lastToken = token;
                nextSlot = currentSlot + 1;
            }
            if (nextSlot > currentSlot) {
                long end = System.nanoTime();
                record.line("H", token, start, end, term.isValid() ? 1 : 0);
                return;
            }
            for (long slot = nextSlot; slot <= currentSlot; slot++) {
                long s = System.nanoTime();
                long e = System.nanoTime();
                boolean valid = term.isValid();
                record.line("T", slot, token, s, e, valid ? 1 : 0);
                if (!valid) {
                    return; // fenced off: the slot stays due for this token
                }
                nextSlot = slot + 1;
            }
        }
    }

    private void runUnsafely() {
        OptionalLong token = election.fencingToken();
        if (token.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        try {
            Thread.sleep(unsafeWorkNanos / 1_000_000); // "work" done on the strength of one isLeader() check
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        long end = System.nanoTime();
        long slot = slotOf(start);
        if (token.getAsLong() != lastToken || slot >= nextSlot) {
            lastToken = token.getAsLong();
            nextSlot = slot + 1;
            record.line("T", slot, token.getAsLong(), start, end, 1);
        } else {
            record.line("H", token.getAsLong(), start, end, 1);
        }
    }

    private long slotOf(long nanos) {
        return Math.floorDiv(nanos - epochNanos, tickNanos);
    }
}
