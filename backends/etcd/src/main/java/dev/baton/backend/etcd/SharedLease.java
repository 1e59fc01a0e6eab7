package dev.baton.backend.etcd;

import io.etcd.jetcd.Lease;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

/**
 * One etcd lease shared by every key this store holds with the same ttl (rounded up to whole seconds, as etcd
 * counts). Keeping {@code N} keys alive costs one keep-alive, not {@code N}.
 *
 * <p>What this store knows about the lease is a local instant, on {@link System#nanoTime()}, before which etcd
 * surely keeps it: the send time of the last successful grant or keep-alive plus the ttl etcd answered with. etcd
 * counts the ttl from when it processed the request, which is later, so the instant is conservative. A keep-alive is
 * sent only when that instant is less than three quarters of a ttl ahead: however many keys are renewed, etcd sees
 * at most about four keep-alives per ttl. Concurrent callers share one request in flight.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
final class SharedLease {

    /** A lease etcd keeps at least until {@code confirmedUntilNanos}. */
    record Snapshot(long id, long confirmedUntilNanos) {
        long remainingNanos(long now) {
            return Math.max(0, confirmedUntilNanos - now);
        }
    }

    private final Lease leases;
    private final long seconds;
    /** Guarded by {@code this}; id 0 means none. */
    private long id;
    private long confirmedUntil;
    private long ttlNanos;
    private CompletableFuture<Snapshot> pending;

    /**
     * @param leases jetcd's lease client
     * @param seconds the ttl to ask etcd for (etcd may raise it to its minimum)
     */
    SharedLease(Lease leases, long seconds) {
        this.leases = leases;
        this.seconds = seconds;
    }

    long seconds() {
        return seconds;
    }

    /** @return the lease if it is surely alive now, else null */
    synchronized Snapshot current() {
        long now = System.nanoTime();
        return id != 0 && confirmedUntil - now > 0 ? new Snapshot(id, confirmedUntil) : null;
    }

    /** @return true when {@code leaseId} is this store's lease for this ttl (alive or not) */
    synchronized boolean is(long leaseId) {
        return leaseId != 0 && leaseId == id;
    }

    /**
     * A lease that is alive with at least three quarters of its ttl ahead: the current one, refreshed by a
     * keep-alive when needed, or a new one when there is none or etcd says it ended.
     *
     * @return the snapshot; fails with the jetcd error when etcd cannot be asked
     */
    synchronized CompletableFuture<Snapshot> fresh() {
        long now = System.nanoTime();
        if (id != 0 && confirmedUntil - now > ttlNanos * 3 / 4) {
            return CompletableFuture.completedFuture(new Snapshot(id, confirmedUntil));
        }
        if (pending != null && !pending.isDone()) {
            return pending;
        }
        CompletableFuture<Snapshot> next;
        if (id != 0 && confirmedUntil - now > 0) {
            long leaseId = id;
            next = leases.keepAliveOnce(leaseId)
                    .handle((r, err) -> afterKeepAlive(leaseId, now, r, err))
                    .thenCompose(f -> f);
        } else {
            id = 0; // not confirmed any more: its keys may be gone, start a fresh lease
            next = grant(now);
        }
        pending = next;
        return next;
    }

    /** A put found the lease gone in etcd: forget it so the next {@link #fresh()} grants a new one. */
    synchronized void invalidate(long leaseId) {
        if (leaseId == id) {
            id = 0;
        }
    }

    private CompletableFuture<Snapshot> afterKeepAlive(
            long leaseId, long sentAt, LeaseKeepAliveResponse response, Throwable error) {
        if (error == null && response.getTTL() > 0) {
            synchronized (this) {
                if (id == leaseId) {
                    confirmedUntil = Math.max(confirmedUntil, sentAt + TimeUnit.SECONDS.toNanos(response.getTTL()));
                    ttlNanos = TimeUnit.SECONDS.toNanos(response.getTTL());
                    return CompletableFuture.completedFuture(new Snapshot(id, confirmedUntil));
                }
                // Replaced meanwhile (a put found it gone): use the replacement, never wait on our own future.
                Snapshot now = current();
                return now != null ? CompletableFuture.completedFuture(now) : grant(System.nanoTime());
            }
        }
        if (error == null || Calls.isLeaseNotFound(error)) {
            // The lease ended in etcd (and with it every key attached): every key of it is lost; start over.
            invalidate(leaseId);
            synchronized (this) {
                return grant(System.nanoTime());
            }
        }
        return CompletableFuture.failedFuture(error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error);
    }

    private CompletableFuture<Snapshot> grant(long sentAt) {
        return leases.grant(seconds).thenApply(r -> {
            synchronized (this) {
                id = r.getID();
                ttlNanos = TimeUnit.SECONDS.toNanos(r.getTTL());
                confirmedUntil = sentAt + ttlNanos;
                return new Snapshot(id, confirmedUntil);
            }
        });
    }
}
