package dev.baton.engine;

import java.util.Optional;

/**
 * A lease a {@link RenewalBatcher} may renew early, together with another that is due: a group's lease ({@link
 * StepChain}) or a one-off lease ({@link KeptLease}) of the same participant and store.
 */
interface RenewsInBatches {

    /**
     * Claims this lease's next renewal for a batch about to be sent: only when it is held, no renewal of it is in
     * flight, and its renewal is due within half its renew interval anyway (renewing early only extends a lease, so
     * it is always safe). The claimed renewal's own timer is cancelled.
     *
     * @param now the scheduler's time
     * @return the claimed renewal, which the claimer must {@linkplain BatchedRenewal#complete complete}; empty when
     *     not due
     */
    Optional<BatchedRenewal> claimEarlyRenewal(long now);
}
