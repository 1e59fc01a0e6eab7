package dev.baton.engine;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A one-off lease kept alive on the scheduler until closed: renewed every third of its ttl, trusted until its local
 * deadline, ended at once when a renewal finds another holder. Same rules as a group's tenure, without competing
 * again afterwards. Where the store batches, its renewals go out with the participant's other leases' ({@link
 * RenewalBatcher}), as a group's do.
 */
final class KeptLease implements HeldLease, RenewsInBatches {
    private static final System.Logger LOG = System.getLogger(KeptLease.class.getName());

    private final String name;
    private final String holder;
    private final long token;
    private final Duration ttl;
    private final Duration renewInterval;
    private final Duration margin;
    private final LeaseStore store;
    private final RenewalBatcher batcher;
    private final Scheduler scheduler;
    private final EventDispatcher dispatcher;
    private final Runnable onEnd;
    private final CompletableFuture<ChangeCause> ended = new CompletableFuture<>();

    private final Object lock = new Object();
    private volatile long deadlineNanos;
    private volatile boolean over;
    private final BackendHealth health;
    private Scheduler.Cancellable nextRenew;
    /** When {@link #nextRenew} is due, on the scheduler's clock. */
    private long nextRenewAt;
    /** A renewal was sent (alone or in a batch) and not answered yet: at most one at a time. */
    private boolean renewInFlight;
    /** The same timer as a group's tenure: announces the end at the local deadline if renewals did not confirm it. */
    private final DeadlineCheck deadlineCheck;

    /**
     * @param onEnd frees the name for another caller of this participant; runs once the lease is over in the store
     *     too (after the release has returned), so no local caller can be "confirmed" a grant being released
     */
    KeptLease(LeaseRecord granted, long t0, Duration ttl, LeaseStore store, RenewalBatcher batcher,
            Scheduler scheduler, EventDispatcher dispatcher, Runnable onEnd) {
        this.name = granted.name();
        this.holder = granted.holder();
        this.token = granted.token();
        this.ttl = ttl;
        this.renewInterval = ttl.dividedBy(3);
        this.margin = ttl.dividedBy(10);
        this.store = store;
        this.batcher = batcher;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.onEnd = onEnd;
        this.health = new BackendHealth(scheduler);
        this.deadlineCheck = new DeadlineCheck(scheduler);
        this.deadlineNanos = Timing.deadline(t0, ttl, granted, margin);
        synchronized (lock) {
            scheduleRenewal(t0 + Timing.renewDelay(ttl, renewInterval, granted) - scheduler.nanoTime());
            scheduleDeadlineCheck();
        }
    }

    boolean trustworthy() {
        return Timing.before(scheduler.nanoTime(), deadlineNanos);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public long fencingToken() {
        return token;
    }

    @Override
    public boolean isValid() {
        return !over && trustworthy();
    }

    @Override
    public CompletionStage<ChangeCause> ended() {
        return ended.minimalCompletionStage();
    }

    /** Caller holds the lock. */
    private void scheduleRenewal(long delayNanos) {
        nextRenewAt = scheduler.nanoTime() + delayNanos;
        nextRenew = scheduler.schedule(this::renew, delayNanos);
    }

    /** The renewal timer: sends this lease's renewal, with whatever other leases' are nearly due. */
    private void renew() {
        synchronized (lock) {
            if (over || renewInFlight) {
                return;
            }
            nextRenew = null;
            renewInFlight = true;
        }
        batcher.renew(new Renewal(), this, batcher.limit());
    }

    @Override
    public Optional<BatchedRenewal> claimEarlyRenewal(long now) {
        synchronized (lock) {
            if (over || renewInFlight || nextRenew == null || nextRenewAt - now > renewInterval.toNanos() / 2) {
                return Optional.empty();
            }
            nextRenew.cancel();
            nextRenew = null;
            renewInFlight = true;
            return Optional.of(new Renewal());
        }
    }

    /** This lease's renewal, sent alone or in a batch by the {@link RenewalBatcher}. */
    private final class Renewal implements BatchedRenewal {
        @Override
        public RenewRequest request() {
            return new RenewRequest(name, holder, token, ttl);
        }

        @Override
        public void endOnFatalError(VirtualMachineError e) {
            // As for a group's tenure: end the lease now (its holder must stop), give it back in a task of its own;
            // the batcher rethrows the error unwrapped.
            synchronized (lock) {
                if (!over) {
                    LOG.log(Level.ERROR, LogIds.FATAL_STORE_ERROR + ": lease ''{0}'': renewal failed with {1}; the"
                            + " lease ends at once and the error is rethrown", name, e);
                    end(ChangeCause.BACKEND_UNAVAILABLE);
                    scheduler.schedule(KeptLease.this::releaseAfterFatalError, 0);
                }
            }
        }

        @Override
        public void complete(long t0, Optional<LeaseRecord> answer, RuntimeException failure) {
            synchronized (lock) {
                renewInFlight = false;
                if (over) {
                    return;
                }
                if (failure != null) {
                    health.failed(failure);
                    LOG.log(Level.WARNING, LogIds.LEASE_RENEWAL_FAILED + ": lease ''{0}'': renewal failed: {1};"
                            + " retried until its deadline; check the backend", name, failure.getMessage());
                    scheduleRenewal(Math.min(health.retryDelay(renewInterval), deadlineNanos - scheduler.nanoTime()));
                    return;
                }
                health.answered();
                if (!Timing.confirms(answer, holder, token)) {
                    end(ChangeCause.LOST_TO_ANOTHER);
                    finishOnLeaseThread(ChangeCause.LOST_TO_ANOTHER);
                    return;
                }
                long deadline = Timing.deadline(t0, ttl, answer.get(), margin);
                if (deadline - deadlineNanos > 0) {
                    deadlineNanos = deadline;
                    scheduleDeadlineCheck();
                }
                scheduleRenewal(t0 + Timing.renewDelay(ttl, renewInterval, answer.get()) - scheduler.nanoTime());
            }
        }
    }

    /** Releases a lease ended by a {@link VirtualMachineError}; the name stays taken until the release returned. */
    private void releaseAfterFatalError() {
        try {
            release();
        } finally {
            finishOnLeaseThread(ChangeCause.BACKEND_UNAVAILABLE);
        }
    }

    /** Gives the grant back; a failure is logged (the store expires it by its ttl). */
    private void release() {
        try {
            store.release(name, holder, token);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, LogIds.LEASE_RELEASE_FAILED + ": lease ''{0}'': release failed ({1}); it expires in"
                    + " the store within {2}, until then nobody else can take it", name, e.getMessage(), ttl);
        }
    }

    private void scheduleDeadlineCheck() {
        deadlineCheck.at(deadlineNanos, this::checkDeadline);
    }

    private void checkDeadline() {
        synchronized (lock) {
            if (over) {
                return;
            }
            if (trustworthy()) {
                scheduleDeadlineCheck();
                return;
            }
            ChangeCause cause = TenureEnd.DEADLINE.cause(health.failing());
            end(cause);
            finishOnLeaseThread(cause);
        }
    }

    /** Caller holds the lock. */
    private void end(ChangeCause cause) {
        over = true;
        if (nextRenew != null) {
            nextRenew.cancel();
        }
        deadlineCheck.cancel();
        if (cause != ChangeCause.RELEASED) {
            LOG.log(Level.WARNING, LogIds.LEASE_ENDED + ": lease ''{0}'' (token {1}) ended: {2}; its holder must stop"
                    + " the work it guards", name, Long.toString(token), cause);
        }
    }

    /**
     * After {@link #end} on a lease thread (nothing to release: the grant is gone): frees the name, and completes
     * {@link #ended()} on the event thread, where a stage the user chained cannot stall renewals.
     */
    private void finishOnLeaseThread(ChangeCause cause) {
        onEnd.run();
        dispatcher.completeOffLeaseThreads(() -> ended.complete(cause));
    }

    @Override
    public void close() {
        synchronized (lock) {
            if (over) {
                return;
            }
            end(ChangeCause.RELEASED);
        }
        try {
            release();
        } finally {
            // Only now may another caller of this participant acquire the name: before the release returned, the
            // store would have "confirmed" it this grant, which the release then ends under its feet.
            onEnd.run();
            ended.complete(ChangeCause.RELEASED); // on the caller's thread: close() is never called by a lease thread
        }
    }

    @Override
    public String toString() {
        return "HeldLease[" + name + ", token=" + token + ", valid=" + isValid() + "]";
    }
}
