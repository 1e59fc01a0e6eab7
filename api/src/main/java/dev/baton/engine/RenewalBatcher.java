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
 * Renews the leases of several groups in one store request, for stores whose {@link LeaseStore#renewBatchLimit()}
 * is above 1.
 *
 * <p>There is no batching window and no extra thread: when one group's renewal step runs, it takes along every
 * other group of this participant whose renewal is due within half its renew interval ({@link
 * StepChain#claimEarlyRenewal}). Renewing early only extends a lease, so it is always safe; and since the groups
 * renewed together get the same answer time, they stay in step afterwards without any coordination.
 */
final class RenewalBatcher {
    private final LeaseStore store;
    private final Scheduler scheduler;
    private final Supplier<Collection<GroupElection>> elections;

    RenewalBatcher(LeaseStore store, Scheduler scheduler, Supplier<Collection<GroupElection>> elections) {
        this.store = store;
        this.scheduler = scheduler;
        this.elections = elections;
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
     * Renews {@code first} together with whatever other renewals are nearly due, then completes every one of them,
     * whatever the store does. Runs on the calling step's thread.
     */
    void renew(StepChain.Renewal first, int limit) {
        List<StepChain.Renewal> batch = new ArrayList<>();
        batch.add(first);
        try {
            long now = scheduler.nanoTime();
            for (GroupElection other : elections.get()) {
                if (batch.size() >= limit) {
                    break;
                }
                if (other.steps() != first.chain()) {
                    other.steps().claimEarlyRenewal(now).ifPresent(batch::add);
                }
            }
        } finally {
            send(batch);
        }
    }

    private void send(List<StepChain.Renewal> batch) {
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
                batch.forEach(r -> r.endTenureOnFatalError(e));
            } finally {
                completeAll(batch, t0, null, BackendHealth.storeFailedWith(e));
            }
            throw e;
        } catch (Error e) {
            failure = BackendHealth.storeFailedWith(e);
        }
        completeAll(batch, t0, answers, failure);
    }

    private static void completeAll(List<StepChain.Renewal> batch, long t0, List<Optional<LeaseRecord>> answers,
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
