package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import java.util.Locale;
import java.util.Optional;

/**
 * One store call of a group's step chain ({@link StepChain}): decided under the election's lock from its
 * {@link Phase}, made outside it. Each kind carries what its answer is checked against, and builds its own typed
 * {@link StepOutcome}, so nothing between the call and {@link StepAnswers} is untyped.
 */
sealed interface Step {

    /** @return the call's name in log lines: {@code ACQUIRE}, {@code RENEW} or {@code RELEASE} */
    default String label() {
        return getClass().getSimpleName().toUpperCase(Locale.ROOT);
    }

    /**
     * @param t0 when the call was sent (the scheduler's time)
     * @param failure what the call threw, as a retried failure
     * @return this step's outcome without an answer
     */
    StepOutcome failed(long t0, RuntimeException failure);

    /**
     * Try to acquire the group's lease.
     *
     * @param lookFirst read the lease before writing: the last call failed, and a late one may have granted it
     */
    record Acquire(boolean lookFirst) implements Step {
        @Override
        public StepOutcome.Acquired failed(long t0, RuntimeException failure) {
            return new StepOutcome.Acquired(this, t0, Optional.empty(), failure);
        }
    }

    /**
     * Renew the grant this participant holds.
     *
     * @param epoch the election's epoch when the renewal was decided: the answer is stale if it moved on
     * @param grant the grant renewed
     */
    record Renew(long epoch, Grant grant) implements Step {
        @Override
        public StepOutcome.Renewed failed(long t0, RuntimeException failure) {
            return new StepOutcome.Renewed(this, t0, Optional.empty(), failure);
        }

        /**
         * @param t0 when the renewal was sent
         * @param answer the store's answer
         * @return the answered outcome
         */
        StepOutcome.Renewed answered(long t0, Optional<LeaseRecord> answer) {
            return new StepOutcome.Renewed(this, t0, answer, null);
        }
    }

    /**
     * Give a token back.
     *
     * @param token the token released
     */
    record Release(long token) implements Step {
        @Override
        public StepOutcome.Released failed(long t0, RuntimeException failure) {
            return new StepOutcome.Released(this, false, failure);
        }
    }
}
