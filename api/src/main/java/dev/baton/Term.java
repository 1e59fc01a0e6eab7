package dev.baton;

/**
 * A piece of guarded work's hold on the current <em>tenure</em> (one stretch of leadership under one fencing token,
 * from its {@link ChangeCause#ACQUIRED} event to the event that ends it; see {@link LeadershipChanged}): entered with
 * {@link LeaderElection#tryEnter()} and closed when the work ends. A tenure can have many terms, one after another or
 * at once; each term belongs to the one tenure it was entered in. While any term is open, a graceful shutdown waits
 * (bounded) before releasing the lease.
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
