package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.RenewRequest;
import java.util.Optional;

/**
 * One lease's renewal, claimed for a {@link RenewalBatcher} to send, possibly in one store request with others: a
 * group's renewal step ({@link StepChain}) or a one-off lease's ({@link KeptLease}). Whoever claimed it must complete
 * it exactly once, whatever the store does, or the lease would never renew again.
 */
interface BatchedRenewal {

    /** @return what to send the store */
    RenewRequest request();

    /**
     * Applies the store's answer, exactly as a renewal sent alone would.
     *
     * @param t0 the scheduler's time taken before the request left (the local deadline counts from it)
     * @param answer the store's answer for this lease, or null when {@code failure} is set
     * @param failure why the request failed, or null when answered
     */
    void complete(long t0, Optional<LeaseRecord> answer, RuntimeException failure);

    /**
     * Ends the lease's tenure (or one-off lease) at once: the request failed with a {@link VirtualMachineError}.
     * {@link #complete} follows, with a failure.
     *
     * @param e the error, which the batcher rethrows
     */
    void endOnFatalError(VirtualMachineError e);
}
