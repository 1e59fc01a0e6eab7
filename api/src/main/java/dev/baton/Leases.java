package dev.baton;

import java.time.Duration;
import java.util.Optional;

/**
 * One-off leases for "run this once across the cluster" work: bootstrap steps, per-entity jobs. Unlike a
 * {@link LeaderElection}, nobody competes for the lease after it is released.
 *
 * <pre>{@code
 * try (HeldLease lease = leases.tryAcquire("invoice-" + id, Duration.ofSeconds(30)).orElse(null)) {
 *     if (lease == null) return;            // someone else is on it
 *     process(id, lease.fencingToken());
 * }
 * }</pre>
 *
 * <p>Names may be any non-blank string of at most {@value dev.baton.spi.LeaseNames#MAX_LENGTH} characters; every
 * backend stores them safely. Lease names and group names share one namespace in a backend.
 */
public interface Leases {

    /**
     * Tries once to acquire a lease. The call blocks for one round trip to the backend.
     *
     * @param name the lease name
     * @param ttl how long the store keeps the lease without a renewal, from {@link ElectionSettings#MIN_TTL} (100 ms)
     *     to {@link ElectionSettings#MAX_TTL} (one day); renewals happen automatically until the lease is closed,
     *     every third of the ttl, in the same store requests as the participant's other leases and groups where the
     *     store renews in batches ({@link dev.baton.spi.LeaseStore#renewBatchLimit()})
     * @return the held lease, or empty when another participant holds it
     * @throws IllegalArgumentException when the name ({@link dev.baton.spi.LeaseNames}) or ttl is invalid
     * @throws dev.baton.spi.LeaseStoreException when the backend cannot be reached
     */
    Optional<HeldLease> tryAcquire(String name, Duration ttl);
}
