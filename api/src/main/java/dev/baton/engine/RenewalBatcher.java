package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Renews several leases of a participant in one store request, for stores whose {@link LeaseStore#renewBatchLimit()}
 * is above 1: its groups' leases and its one-off leases alike.
 *
 * <p>There is no batching window and no extra thread: when one lease's renewal runs, it takes along every other
 * lease of this participant whose renewal is due within half its renew interval ({@link
 * RenewsInBatches#claimEarlyRenewal}). Renewing early only extends a lease, so it is always safe; and since the leases
 * renewed together get the same answer time, they stay in step afterwards without any coordination.
 */
final class RenewalBatcher {
    private final LeaseStore store;
    private final Scheduler scheduler;
    private final Supplier<Collection<? extends RenewsInBatches>> leases;

    /**
     * @param leases every lease of the participant that may renew in a batch, at the moment of asking (a group's
     *     lease whether or not it is held now: each one says when it has a renewal to give)
     */
    RenewalBatcher(LeaseStore store, Scheduler scheduler, Supplier<Collection<? extends RenewsInBatches>> leases) {
        this.store = store;
        this.scheduler = scheduler;
        this.leases = leases;
    }

    /** @return the batch size the store wants now; 1 means renew one by one */
    int limit() {
        try {
            return Math.max(1, store.renewBatchLimit());
        } catch (RuntimeException e) {
            return 1;
        }
    }

    /**
     * Renews {@code first} together with whatever other renewals are nearly due (up to {@code limit} in all; none at
     * 1), then completes every one of them, whatever the store does. Runs on the calling thread.
     *
     * @param first the renewal that is due
     * @param owner the lease {@code first} belongs to, not asked again
     * @param limit the batch size the store wants ({@link #limit()})
     */
    void renew(BatchedRenewal first, RenewsInBatches owner, int limit) {
        List<BatchedRenewal> batch = new ArrayList<>();
        batch.add(first);
        try {
            long now = scheduler.nanoTime();
            if (limit > 1) {
                for (RenewsInBatches other : leases.get()) {
                    if (batch.size() >= limit) {
                        break;
                    }
                    if (other != owner) { // its renewal is in flight already: it would claim nothing
                        other.claimEarlyRenewal(now).ifPresent(batch::add);
                    }
                }
            }
        } finally {
            send(batch);
        }
    }

    private void send(List<BatchedRenewal> batch) {
        List<RenewRequest> requests = new ArrayList<>(batch.size());
        batch.forEach(r -> requests.add(r.request()));
        // Taken before the request leaves: the store counts each ttl from a later moment, so deadlines derived from
        // t0 are conservative, exactly as for a single renewal.
        long t0 = scheduler.nanoTime();
        List<Optional<LeaseRecord>> answers = null;
        RuntimeException failure = null;
        try {
            if (requests.size() == 1) {
                RenewRequest r = requests.get(0);
                answers = List.of(store.renew(r.name(), r.holder(), r.token(), r.ttl()));
            } else {
                answers = store.renewAll(requests);
            }
            if (answers == null || answers.size() != requests.size()) {
                throw new IllegalStateException("the store answered " + (answers == null ? "null" : answers.size()
                        + " results") + " to a renewAll of " + requests.size() + " leases");
            }
        } catch (RuntimeException e) {
            failure = e;
        } catch (VirtualMachineError e) {
            try {
                batch.forEach(r -> r.endOnFatalError(e));
            } finally {
                completeAll(batch, t0, null, BackendHealth.storeFailedWith(e));
            }
            throw e;
        } catch (Error e) {
            failure = BackendHealth.storeFailedWith(e);
        }
        completeAll(batch, t0, answers, failure);
    }

    private static void completeAll(List<BatchedRenewal> batch, long t0, List<Optional<LeaseRecord>> answers,
            RuntimeException failure) {
        // Every claimed renewal is completed, even if one completion throws: a group left "in flight" would never
        // renew again.
        RuntimeException firstProblem = null;
        for (int i = 0; i < batch.size(); i++) {
            try {
                batch.get(i).complete(t0, failure == null ? answers.get(i) : null, failure);
            } catch (RuntimeException e) {
                if (firstProblem == null) {
                    firstProblem = e;
                }
            }
        }
        if (firstProblem != null) {
            throw firstProblem;
        }
    }
}
