package dev.baton.spi;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The backend SPI: a store of named, expiring, fenced leases. One instance serves every group and one-off lease of
 * a participant; Baton's engine does the rest (deadlines, retries, events).
 *
 * <p>Contract every implementation keeps (checked by {@code baton-tck}'s {@code LeaseStoreContract}):
 * <ol>
 *   <li>Each operation is atomic and decides expiry with the store's own clock (database {@code now()}, Redis
 *       {@code PX}, etcd lease TTL, the modification time ZooKeeper stamps on a node), never with a client's wall
 *       clock.</li>
 *   <li>At most one holder per name at any instant of the store's clock.</li>
 *   <li>The token strictly increases each time the lease changes hands, and never decreases; renewals keep it.</li>
 *   <li>Only the holder with the current token can renew or release; releasing an expired or foreign lease is
 *       refused ({@code false} / empty), never an error.</li>
 *   <li>An operation either completes within a time bounded by the lease ({@link #maxCallTime()}) or throws
 *       {@link LeaseStoreException}; a hung backend must never keep a caller waiting past its deadline.</li>
 *   <li>Names are any non-blank string accepted by {@link LeaseNames#requireValid(String)}, stored safely
 *       (encoded where the backend restricts characters).</li>
 *   <li>After {@link #close()} every operation throws {@link IllegalStateException} saying the store is closed.</li>
 *   <li>A store that {@linkplain #supportsMetadata() supports leader metadata} writes it in the same atomic operation
 *       as the grant (a new grant or the holder's confirmation), where it replaces whatever was stored before; keeps it
 *       unchanged on {@link #renew}/{@link #renewAll} (which send no metadata, so renewals cost no extra bytes);
 *       returns the current holder's stored metadata in every {@link LeaseRecord} (acquire, renew, read); and deletes
 *       it with the lease on release.</li>
 * </ol>
 *
 * <p>Threading: operations may be called concurrently from several threads.
 */
public interface LeaseStore extends AutoCloseable {

    /**
     * Acquires the lease if it is free or expired, or confirms it when {@code holder} already holds it (keeping its
     * token and extending it to {@code ttl}).
     *
     * @param name the lease name
     * @param holder the participant asking: a valid holder id ({@link HolderIds}), kept exactly
     * @param ttl the lease length if granted
     * @return the lease as it stands after the attempt: held by {@code holder} when granted, by someone else when
     *     not; empty only when the lease was free but the attempt lost a race (callers retry)
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl);

    /**
     * Whether this store keeps leader metadata ({@link #tryAcquire(String, String, Duration, Map)}). Every Baton
     * backend does (the JDBC backend only when its table has the {@code metadata} column). The engine asks before
     * each acquire; when this is false and the participant advertises metadata, it logs one warning and acquires
     * without.
     *
     * @return true when metadata given to {@code tryAcquire} is stored and read back; false (the default) otherwise
     */
    default boolean supportsMetadata() {
        return false;
    }

    /**
     * {@link #tryAcquire(String, String, Duration)} that also stores leader metadata with the grant, in the same
     * atomic operation: on a new grant and on the holder's confirmation, {@code metadata} replaces whatever was stored
     * (an empty map clears it); when the lease is held by someone else nothing is written and the answer carries the
     * holder's metadata. The three-argument form is this one with an empty map.
     *
     * <p>The default, for stores that keep no metadata, calls the three-argument form when {@code metadata} is empty
     * and throws otherwise; the engine never calls it with metadata on such a store.
     *
     * @param name the lease name
     * @param holder the participant asking: a valid holder id ({@link HolderIds}), kept exactly
     * @param ttl the lease length if granted
     * @param metadata what to store with the grant: the participant's metadata and Baton's reserved entries, valid
     *     by {@link LeaderMetadata#requireStorable(Map)}; may be empty, never null
     * @return as {@link #tryAcquire(String, String, Duration)}, each record carrying the holder's stored metadata
     * @throws IllegalArgumentException when {@code metadata} breaks {@link LeaderMetadata}'s rules
     * @throws UnsupportedOperationException when {@code metadata} is not empty and this store keeps none
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    default Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        Objects.requireNonNull(metadata, "metadata");
        if (metadata.isEmpty()) {
            return tryAcquire(name, holder, ttl);
        }
        throw new UnsupportedOperationException(describe() + " does not store leader metadata (supportsMetadata()"
                + " is false); acquire without metadata");
    }

    /**
     * Extends the lease when {@code holder} still holds it with {@code token}.
     *
     * @param name the lease name
     * @param holder the holder
     * @param token the token of the holder's grant
     * @param ttl the new lease length, counted from now by the store's clock
     * @return the renewed lease, or empty when the lease expired, was released or belongs to someone else
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl);

    /**
     * How many renewals {@link #renewAll} sends to the backend in one request. When this is more than 1, the engine
     * renews the groups a participant leads on this store together: a group whose renewal is due renews every other
     * group due within half a renew interval in the same {@code renewAll} call, and from then on they stay in step,
     * so 1,000 groups cost about one request per renew interval instead of 1,000.
     *
     * <p>A store that answers this with more than 1 must make {@code renewAll} one request (or a few) whose results
     * are per lease, exactly as {@link #renew} would give them. The value may change over the store's life (for
     * example once the store knows which database it talks to); the engine asks before each renewal.
     *
     * @return the largest useful batch; 1 (the default) when renewals are cheapest one by one
     */
    default int renewBatchLimit() {
        return 1;
    }

    /**
     * Renews many leases, in one request where the backend can. The default renews them one by one.
     *
     * @param requests the renewals
     * @return one result per request, in the same order, as {@link #renew} would return it
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    default List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        List<Optional<LeaseRecord>> results = new ArrayList<>(requests.size());
        for (RenewRequest r : requests) {
            results.add(renew(r.name(), r.holder(), r.token(), r.ttl()));
        }
        return results;
    }

    /**
     * Releases the lease when {@code holder} still holds it with {@code token}, so another participant can take it
     * at once (and, where the backend can notify, is told so).
     *
     * @param name the lease name
     * @param holder the holder
     * @param token the token of the holder's grant
     * @return true when released; false when it was not held by {@code holder} with {@code token}
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    boolean release(String name, String holder, long token);

    /**
     * @param name the lease name
     * @return the current holder, or empty when the lease is free or expired
     * @throws LeaseStoreException when the backend cannot answer in time
     */
    Optional<LeaseRecord> read(String name);

    /**
     * Watches a lease for changes so followers can react at once instead of waiting for expiry. The callback runs on
     * a backend thread, must not block, and may be called spuriously; it carries no state on purpose (callers read
     * or acquire to learn what changed).
     *
     * @param name the lease name
     * @param onChange called after the lease may have been released, expired or changed hands
     * @return a handle that stops the watch when closed, or empty when this backend cannot notify; the watch is
     *     already active when this method returns (a release right after it is reported)
     */
    default Optional<AutoCloseable> watch(String name, Runnable onChange) {
        return Optional.empty();
    }

    /**
     * {@link #tryAcquire(String, String, Duration, Map)} for a caller that asks again soon anyway: where
     * {@code tryAcquire} would wait inside the call until a free lease can be granted, this answers empty at once
     * instead, as for a lost race, and the caller retries. The engine's elections acquire this way (an empty answer
     * is retried within about 20 ms): their calls share the engine's few acquire threads with every other group of
     * the participant, which a wait inside one acquire would hold back. Azure Blob waits so (up to a second, before a new blob's first
     * grant, for the service's clock to leave the second the blob was made in); a store that never waits inside an
     * acquire needs nothing here: the default is {@code tryAcquire}. Wrappers forward it.
     *
     * @param name the lease name
     * @param holder the participant asking (as {@code tryAcquire}'s)
     * @param ttl the lease length if granted
     * @param metadata the leader metadata to store with the grant (as {@code tryAcquire}'s)
     * @return as {@code tryAcquire}'s, or empty when the lease is free but cannot be granted yet
     * @throws LeaseStoreException when the backend cannot answer in time
     * @throws UnsupportedOperationException when {@code metadata} is not empty and this store keeps none
     */
    default Optional<LeaseRecord> tryAcquireWithoutWaiting(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        return tryAcquire(name, holder, ttl, metadata);
    }

    /**
     * The lease a releasing leader handed to {@code holder} in its release, when this store already knows that without
     * a request (ZooKeeper: from its watch's events); empty otherwise, and the caller then acquires as usual. An
     * election asks on the thread that ran its {@link #watch} callback, right after the callback, so that a graceful
     * handover needs no hop to another thread: this method must neither block nor send a request, and answers from
     * what the store holds in memory, or declines. A present answer means what {@code tryAcquire}'s does when it
     * grants: the caller holds the lease, its {@code remaining} counted from before this call. The default declines.
     *
     * @param name the lease name
     * @param holder the candidate asking
     * @param ttl the ttl it would acquire with
     * @param metadata the leader metadata it would acquire with (as {@code tryAcquire}'s)
     * @return the grant, or empty when the store does not know of one without asking
     */
    default Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        return Optional.empty();
    }

    /**
     * @return the longest an operation may take before it throws; the engine uses it to judge whether a grant
     *     obtained by a slow call can still be trusted
     */
    Duration maxCallTime();

    /** @return a one-line description for logs and health data (backend kind and address; never secrets) */
    String describe();

    /**
     * Releases the store's connections and threads. Leases still held are not released: they expire in the store by
     * their ttl (the engine releases what it holds before it closes the store). Idempotent.
     */
    @Override
    void close();
}
