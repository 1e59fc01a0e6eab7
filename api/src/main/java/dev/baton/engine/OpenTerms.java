package dev.baton.engine;

import dev.baton.Term;

/**
 * The guarded calls in progress in one group ({@link dev.baton.LeaderElection#tryEnter()}): each holds a
 * {@link Term} until it closes it, and shutdown waits for them (bounded) before it releases the lease, so that work
 * begun under a grant is not cut off by this participant's own release.
 *
 * <p>Guarded by the election's lock ({@link ElectionState#lock()}), which {@link Term#close()} takes and notifies.
 */
final class OpenTerms {
    private final ElectionState state;
    private int open;

    OpenTerms(ElectionState state) {
        this.state = state;
    }

    /**
     * Opens a term under {@code entered}. Caller holds the lock and has checked the grant is valid.
     *
     * @param entered the grant the call entered under: its token fences the call
     * @return the term, to be closed by the caller
     */
    Term enter(Grant entered) {
        open++;
        return new OpenTerm(entered);
    }

    /** @return whether no term is open. Caller holds the lock. */
    boolean none() {
        return open == 0;
    }

    /** A guarded call in progress. */
    private final class OpenTerm implements Term {
        private final Grant entered;
        private boolean closed;

        OpenTerm(Grant entered) {
            this.entered = entered;
        }

        @Override
        public long fencingToken() {
            return entered.token();
        }

        @Override
        public boolean isValid() {
            // Same tenure (a renewal replaces the grant, not its epoch) and still before its deadline.
            Grant g = state.grant();
            return g != null && g.epoch() == entered.epoch() && state.valid(g);
        }

        @Override
        public void close() {
            Object lock = state.lock();
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    open--;
                    lock.notifyAll();
                }
            }
        }
    }
}
