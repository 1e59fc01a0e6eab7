package dev.baton;

/**
 * One stretch of leadership as seen by guarded work: entered with {@link LeaderElection#tryEnter()} and closed when
 * the work ends. While any term is open, a graceful shutdown waits (bounded) before releasing the lease.
 *
 * <p>Closing a term does not give up leadership; {@link LeaderElection#stepDown()} does.
 */
public interface Term extends AutoCloseable {

    /**
     * @return the fencing token of the grant under which this term was entered; pass it to the resources you write
     *     so they can refuse a stale leader
     */
    long fencingToken();

    /**
     * @return true while the grant under which the term was entered is still valid by the local deadline; false
     *     forever once it is not, even if this participant later leads again with another token
     */
    boolean isValid();

    /** Marks the guarded work as finished. Idempotent. */
    @Override
    void close();
}
