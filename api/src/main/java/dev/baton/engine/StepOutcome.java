package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import java.util.Optional;

/**
 * What one {@link Step} got from the store: its answer, typed per kind of call, or the failure it ended with (then
 * the answer is empty or false and means nothing). Applied under the election's lock by {@link StepAnswers}.
 */
sealed interface StepOutcome {

    /** @return the step that was made */
    Step step();

    /** @return what the call threw, or null when the store answered */
    RuntimeException failure();

    /**
     * @param step the acquire made
     * @param t0 when the acquire's write was sent: a grant counts from it (not from the read that may precede it)
     * @param answer the holder the store reported (this participant when granted); empty when the race was lost on a
     *     free lease
     * @param failure what the call threw, or null
     */
    record Acquired(Step.Acquire step, long t0, Optional<LeaseRecord> answer, RuntimeException failure)
            implements StepOutcome {}

    /**
     * @param step the renewal made
     * @param t0 when the renewal was sent: a confirmed grant's new deadline counts from it
     * @param answer the lease as the store has it after the renewal; empty when it has none
     * @param failure what the call threw, or null
     */
    record Renewed(Step.Renew step, long t0, Optional<LeaseRecord> answer, RuntimeException failure)
            implements StepOutcome {}

    /**
     * @param step the release made
     * @param released whether the store still had the token and removed it (false: it had expired or changed hands)
     * @param failure what the call threw, or null
     */
    record Released(Step.Release step, boolean released, RuntimeException failure) implements StepOutcome {}
}
