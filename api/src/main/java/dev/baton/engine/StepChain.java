package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.lang.System.Logger.Level;
import java.util.Map;
import java.util.Optional;

/**
 * The serial chain of one group's store calls on the scheduler: at most one {@link Step} in flight, the next one
 * scheduled when the answer has been applied ({@link StepAnswers}). What a step does follows from the
 * {@link Phase}: release a pending token, else renew while leading, else try to acquire, else wait out a back-off. A
 * step is decided and its answer applied under the election's lock, but the store is called outside it, so a hung
 * call never blocks {@code isLeader()}, events or the deadline check.
 *
 * <p>Fields are guarded by the election's lock ({@link ElectionState#lock()}).
 */
final class StepChain implements RenewsInBatches {
    // The election's logger, whichever class logs: operators filter on it.
    private static final System.Logger LOG = System.getLogger(GroupElection.class.getName());

    private final String group;
    private final String participant;
    private final ElectionSettings settings;
    private final Scheduler scheduler;
    private final BackendHealth health;
    private final LeaseStore store;
    private final RenewalBatcher batcher;
    private final AdvertisedMetadata metadata;
    private final StoreWatch watch;
    private final ElectionState state;
    private final Object lock;
    private final StepAnswers answers;

    private boolean stepInFlight;
    private boolean wakeRequested;
    private Scheduler.Cancellable nextStep;
    private long nextStepAt;

    StepChain(ElectionContext context, LeaseStore store, RenewalBatcher batcher, AdvertisedMetadata metadata,
            StoreWatch watch, ElectionState state) {
        this.group = context.group();
        this.participant = context.participant();
        this.settings = context.settings();
        this.scheduler = context.scheduler();
        this.health = context.health();
        this.store = store;
        this.batcher = batcher;
        this.metadata = metadata;
        this.watch = watch;
        this.state = state;
        this.lock = state.lock();
        this.answers = new StepAnswers(context, state, this);
    }

    /** Schedules the next step no later than {@code delayNanos} from now. Caller holds the lock. */
    void scheduleStep(long delayNanos) {
        if (stepInFlight) {
            if (delayNanos <= 0) {
                wakeRequested = true;
            }
            return;
        }
        long at = scheduler.nanoTime() + Math.max(0, delayNanos);
        if (nextStep != null) {
            if (nextStepAt - at <= 0) {
                return;
            }
            nextStep.cancel();
        }
        nextStepAt = at;
        // A follower's next step is an acquire: on the acquire threads, so that a burst of them (many groups
        // starting) never queues ahead of a leader's renewal. The phase may change before it runs (then the step
        // is whatever decide() finds; only the thread differs).
        nextStep = state.grant() == null && state.pendingRelease().isEmpty()
                ? scheduler.scheduleAcquire(this::runStep, delayNanos)
                : scheduler.schedule(this::runStep, delayNanos);
    }

    /** Cancels the scheduled step, if any. Caller holds the lock. */
    void cancelNextStep() {
        if (nextStep != null) {
            nextStep.cancel();
            nextStep = null;
        }
    }

    /** @return whether a step's store call is out. Caller holds the lock. */
    boolean inFlight() {
        return stepInFlight;
    }

    /**
     * Runs the next step of the chain: a pending release, else a renewal while leading, else an acquire.
     *
     * <p>An acquire that follows a failed call ({@link BackendHealth#failing()}) first reads the lease, and writes
     * only when that read is answered in time and shows no other holder. A call that timed out may still reach the
     * store afterwards: a renewal or an acquire the participant gave up on then extends or grants the lease to a
     * participant that does not know it holds it, and followers wait for that lease to expire. On a link too slow
     * for the call timeout every further acquire would do that again, keeping the group leaderless for as long as
     * the link stays slow. A read writes nothing; once one is answered in time, the link carries calls again, and the
     * acquire that follows also confirms (token unchanged) a lease such a late call granted.
     */
    void runStep() {
        Step step;
        synchronized (lock) {
            nextStep = null;
            if (stepInFlight) {
                return;
            }
            step = decide();
            if (step == null) {
                return;
            }
            stepInFlight = true;
            wakeRequested = false;
        }
        if (step instanceof Step.Renew renew) {
            int limit = batcher.limit();
            if (limit > 1) {
                batcher.renew(new Renewal(renew), this, limit);
                return;
            }
        }
        long t0 = scheduler.nanoTime();
        StepOutcome outcome;
        try {
            outcome = call(step, t0);
        } catch (RuntimeException e) {
            outcome = step.failed(t0, e);
        } catch (VirtualMachineError e) {
            try {
                state.endTenureOnFatalError(e);
            } finally {
                finishStep(step.failed(t0, BackendHealth.storeFailedWith(e)));
            }
            throw e;
        } catch (Error e) {
            outcome = step.failed(t0, BackendHealth.storeFailedWith(e));
        }
        finishStep(outcome);
    }

    /**
     * Takes a lease a releasing leader handed to this participant, when the store knows of it without a request
     * ({@link LeaseStore#takeHandedOver}), on the thread that runs the store's watch callbacks: a graceful handover then
     * needs no hop to the scheduler's thread (a thread wake-up on the handover's path, 0.2 to 0.5 ms on a busy 2-core
     * machine, more on an idle virtual one). Only while following (a sleeping follower's wake-up, as before); taken as
     * a step of the chain, so it is serial with every other store call and its answer is applied as an acquire's. When
     * a step is in flight, the last call failed (the next acquire reads first), or the store declines, the usual step
     * is scheduled at once instead.
     */
    void acquireHandedOver() {
        Step.Acquire step;
        synchronized (lock) {
            if (state.phase() != Phase.FOLLOWING) {
                return;
            }
            if (stepInFlight || health.failing()) {
                scheduleStep(0);
                return;
            }
            cancelNextStep();
            step = new Step.Acquire(false);
            stepInFlight = true;
            wakeRequested = false;
        }
        Optional<LeaseRecord> taken = Optional.empty();
        long t0 = scheduler.nanoTime(); // the grant's remaining time counts from before the call
        try {
            Map<String, String> advertised = metadata.forAcquire(store, scheduler.wallClock(), participant);
            taken = store.takeHandedOver(group, participant, settings.ttl(), advertised);
        } catch (RuntimeException e) {
            taken = Optional.empty();
            LOG.log(Level.WARNING, LogIds.HANDOVER_TAKE_FAILED + ": group ''{0}'': the store failed to say from memory"
                    + " whether a lease was handed to this participant ({1}); it acquires as usual instead. This is a"
                    + " bug in the lease store ({2}): please report it", group, e.toString(), store.describe());
        } finally {
            if (taken.isPresent() && taken.get().heldBy(participant)) {
                finishStep(new StepOutcome.Acquired(step, t0, taken, null));
            } else {
                // Declined: nothing was asked of the backend, so nothing to apply; the usual acquire runs at once.
                synchronized (lock) {
                    stepInFlight = false;
                    wakeRequested = false;
                    scheduleStep(0);
                    lock.notifyAll();
                }
            }
        }
    }

    /** @return the store call the phase calls for, or null when there is none now. Caller holds the lock. */
    private Step decide() {
        switch (state.phase().nextStep(!state.isLeader())) {
            case RELEASE -> {
                return new Step.Release(state.pendingRelease().getAsLong());
            }
            case END_TERM -> {
                // Woken after the local deadline (a pause, a starved scheduler) before the deadline check ran:
                // the tenure is over whatever a renewal would answer now; announce it instead of quietly renewing.
                state.endAtDeadline(state.grant());
                return null;
            }
            case RENEW -> {
                return new Step.Renew(state.epoch(), state.grant());
            }
            case ACQUIRE -> {
                return new Step.Acquire(health.failing());
            }
            case WAIT -> {
                scheduleStep(state.notBeforeNanos() - scheduler.nanoTime());
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    /** Makes the step's store call, outside the lock. */
    private StepOutcome call(Step step, long t0) {
        if (step instanceof Step.Acquire acquire) {
            return acquire(acquire, t0);
        }
        if (step instanceof Step.Renew renew) {
            return renew.answered(t0, store.renew(group, participant, renew.grant().token(), settings.ttl()));
        }
        Step.Release release = (Step.Release) step;
        return new StepOutcome.Released(release, store.release(group, participant, release.token()), null);
    }

    private StepOutcome.Acquired acquire(Step.Acquire step, long t0) {
        ensureWatch(); // in the caller's try: an Error from the store's watch() must not leave the step in flight
        Optional<LeaseRecord> seen = step.lookFirst() ? store.read(group) : Optional.empty();
        if (seen.isPresent() && !seen.get().heldBy(participant)) {
            // Held by another: the answer an acquire would have given, and nothing written.
            return new StepOutcome.Acquired(step, t0, seen, null);
        }
        Map<String, String> advertised = metadata.forAcquire(store, scheduler.wallClock(), participant);
        long sent = scheduler.nanoTime(); // a grant counts from the acquire's request, not from the read's
        // Never waits inside the call for a free lease to become grantable (the store answers empty and is asked again
        // soon): the acquire threads serve every group of this participant.
        return new StepOutcome.Acquired(step, sent,
                store.tryAcquireWithoutWaiting(group, participant, settings.ttl(), advertised), null);
    }

    /** Opens the store's watch once; runs on the step thread because opening may need the backend. */
    private void ensureWatch() {
        synchronized (lock) {
            if (!state.competing()) {
                return;
            }
        }
        watch.open();
    }

    /** Applies a step's outcome and chains the next step. */
    private void finishStep(StepOutcome outcome) {
        synchronized (lock) {
            stepInFlight = false;
            boolean applied = false;
            try {
                answers.apply(outcome);
                applied = true;
                state.reportLeader();
            } finally {
                if (wakeRequested) {
                    wakeRequested = false;
                    scheduleStep(0);
                } else if (!applied) {
                    scheduleStep(Timing.retryDelay(1, settings.renewInterval()));
                }
                lock.notifyAll();
            }
        }
    }

    /**
     * Claims this group's next renewal for a batch another lease is about to send ({@link RenewalBatcher}): only when
     * this group leads, has no step in flight and its renewal is due within half a renew interval anyway.
     */
    @Override
    public Optional<BatchedRenewal> claimEarlyRenewal(long now) {
        synchronized (lock) {
            if (stepInFlight || state.grant() == null || state.pendingRelease().isPresent() || nextStep == null
                    || nextStepAt - now > settings.renewInterval().toNanos() / 2) {
                return Optional.empty();
            }
            nextStep.cancel();
            nextStep = null;
            stepInFlight = true;
            wakeRequested = false;
            return Optional.of(new Renewal(new Step.Renew(state.epoch(), state.grant())));
        }
    }

    /** One renewal step of this group, sent by a {@link RenewalBatcher} possibly together with other leases'. */
    final class Renewal implements BatchedRenewal {
        private final Step.Renew step;

        private Renewal(Step.Renew step) {
            this.step = step;
        }

        @Override
        public RenewRequest request() {
            return new RenewRequest(group, participant, step.grant().token(), settings.ttl());
        }

        @Override
        public void endOnFatalError(VirtualMachineError e) {
            state.endTenureOnFatalError(e);
        }

        @Override
        public void complete(long t0, Optional<LeaseRecord> answer, RuntimeException failure) {
            finishStep(failure == null ? step.answered(t0, answer) : step.failed(t0, failure));
        }
    }
}
