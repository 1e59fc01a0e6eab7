package dev.baton;

import java.util.concurrent.CompletionStage;

/**
 * A lease acquired through {@link Leases}, kept alive by Baton's scheduler until {@link #close()}.
 *
 * <p>Same safety model as an election: {@link #isValid()} turns false at the local deadline even if no renewal ran,
 * and a renewal that finds another holder ends the lease at once.
 */
public interface HeldLease extends AutoCloseable {

    /** @return the lease name */
    String name();

    /** @return the fencing token of this grant */
    long fencingToken();

    /** @return true while the grant is valid by the local deadline and has not been closed or lost */
    boolean isValid();

    /**
     * @return a stage that completes when the lease ends for any reason: with {@link ChangeCause#RELEASED} after
     *     {@link #close()} (on the closing thread, once the release has returned), otherwise with the cause of the
     *     loss (on Baton's event thread, never on a thread that renews leases)
     */
    CompletionStage<ChangeCause> ended();

    /** Stops renewing and releases the lease in the store (one round trip). Idempotent. */
    @Override
    void close();
}
