package dev.baton.engine;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.ElectionStatus;
import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import dev.baton.LeadershipChanged;
import dev.baton.NotLeaderException;
import dev.baton.Registration;
import dev.baton.Role;
import dev.baton.Term;
import dev.baton.observe.ElectionObserver;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One group's election on this participant: the state machine behind {@link LeaderElection}.
 *
 * <p>How it works:
 * <ol>
 *   <li>All store calls of a group form one serial chain of <em>steps</em> on the scheduler: release a pending
 *       token, else renew while leading, else try to acquire. A step calls the store outside the lock and applies
 *       the answer under it, so a hung call never blocks {@link #isLeader()}, events or the deadline check.</li>
 *   <li>A grant is trusted until its local deadline ({@link Timing#deadline}); {@link #isLeader()} compares that
 *       deadline with the clock on every call, so it turns false on time even if no thread runs.</li>
 *   <li>A separate deadline check, scheduled at the deadline, announces the loss (and queues a release) when
 *       renewals did not confirm the grant in time, whatever the renewal path is doing.</li>
 *   <li>Every transition bumps {@code epoch}; an answer that arrives for an older epoch is discarded (and a grant it
 *       extended is released), so a late renewal can never resurrect a term that already ended.</li>
 *   <li>Followers sleep until the holder's lease can expire, or until the store's watch says it changed.</li>
 *   <li>After a failed call, the next acquire looks before it writes: it reads the lease first, and acquires only once
 *       a read is answered in time ({@link #runStep()}).</li>
 *   <li>Every acquire stores the participant's metadata and {@code baton.since} with the grant
 *       ({@link AdvertisedMetadata}); the leader's info ({@link #leaderInfo()}) is the record of the holder the last
 *       acquire (or read) answered, kept locally, so asking for it costs no store call and renewals carry nothing
 *       extra.</li>
 * </ol>
 */
final class GroupElection implements LeaderElection {
    private static final System.Logger LOG = System.getLogger(GroupElection.class.getName());

    /**
     * A grant this participant holds; a new instance on each renewal, same {@code epoch} and {@code info} (this
     * participant as the store reported it at the grant) for the whole term.
     */
    private record Grant(long token, long deadlineNanos, long epoch, LeaderInfo info) {}

    private enum Op {
        ACQUIRE,
        RENEW,
        RELEASE
    }

    private final String group;
    private final String participant;
    private final LeaseStore store;
    private final ElectionSettings settings;
    private final Scheduler scheduler;
    private final EventDispatcher dispatcher;
    private final List<Consumer<LeadershipChanged>> globalListeners;
    private final RenewalBatcher batcher;
    private final AdvertisedMetadata metadata;
    private final List<Consumer<LeadershipChanged>> listeners = new CopyOnWriteArrayList<>();
    /** Told when the leader this participant knows changes ({@link #reportLeader()}). */
    private final ElectionObserver observer;

    private final Object lock = new Object();
    // Everything below is guarded by lock; the volatile fields are also read without it.
    private volatile Grant grant;
    /** The holder last reported by the store (this participant while it leads), or null when unknown. */
    private volatile LeaderInfo known;
    /** The leader last reported to {@link #observer}; none until one is known. */
    private Optional<String> reportedLeader = Optional.empty();
    private long epoch;
    private boolean competing = true;
    private boolean stepInFlight;
    private boolean wakeRequested;
    private Scheduler.Cancellable nextStep;
    private long nextStepAt;
    private Scheduler.Cancellable deadlineCheck;
    private OptionalLong pendingRelease = OptionalLong.empty();
    private long notBeforeNanos;
    /** Whether the store answers: apart from leadership, which only the deadline ends. */
    private final BackendHealth health;
    /** Wakes a sleeping follower when the store says the lease changed. */
    private final StoreWatch watch;
    private int openTerms;
    private final LeaderTasks leaderTasks;
    /** Leaves the group for {@link #close()}: ends and releases the term, then frees the name in the Baton. */
    private final Consumer<GroupElection> leave;
    /** Set by {@link #close()}: the handle is spent. */
    private volatile boolean closed;
    /** Completed when the {@link #close()} that set {@link #closed} has left the group. */
    private final CompletableFuture<Void> left = new CompletableFuture<>();

    GroupElection(
            String group,
            String participant,
            LeaseStore store,
            ElectionSettings settings,
            Scheduler scheduler,
            EventDispatcher dispatcher,
            Executor taskExecutor,
            List<Consumer<LeadershipChanged>> globalListeners,
            RenewalBatcher batcher,
            AdvertisedMetadata metadata,
            ElectionObserver observer,
            Consumer<GroupElection> leave) {
        this.group = group;
        this.participant = participant;
        this.store = store;
        this.settings = settings;
        this.scheduler = scheduler;
        this.dispatcher = dispatcher;
        this.globalListeners = globalListeners;
        this.batcher = batcher;
        this.metadata = metadata;
        this.observer = observer;
        this.leave = leave;
        this.health = new BackendHealth(scheduler);
        this.leaderTasks = new LeaderTasks(group, taskExecutor, dispatcher);
        this.watch = new StoreWatch(store, group, this::onWatchEvent);
        // nanoTime may be negative: "not before" starts at now, never at zero.
        this.notBeforeNanos = scheduler.nanoTime();
    }

    ElectionSettings settings() {
        return settings;
    }

    void start() {
        synchronized (lock) {
            scheduleStep(0);
        }
    }

    // ---- public API ----------------------------------------------------------------------------------------

    @Override
    public String group() {
        return group;
    }

    @Override
    public String participant() {
        return participant;
    }

    @Override
    public boolean isLeader() {
        return valid(grant);
    }

    private boolean valid(Grant g) {
        return g != null && scheduler.nanoTime() - g.deadlineNanos < 0;
    }

    @Override
    public OptionalLong fencingToken() {
        Grant g = grant;
        return valid(g) ? OptionalLong.of(g.token) : OptionalLong.empty();
    }

    @Override
    public Optional<String> leader() {
        return leaderInfo().map(LeaderInfo::participant);
    }

    @Override
    public Optional<LeaderInfo> leaderInfo() {
        Grant g = grant;
        if (valid(g)) {
            return Optional.of(g.info);
        }
        LeaderInfo k = known;
        return k == null || k.participant().equals(participant) ? Optional.empty() : Optional.of(k);
    }

    @Override
    public Optional<Term> tryEnter() {
        synchronized (lock) {
            Grant g = grant;
            if (!valid(g)) {
                checkOpen(); // only here: a closed election never leads, so the leader's path pays nothing
                return Optional.empty();
            }
            openTerms++;
            return Optional.of(new OpenTerm(g));
        }
    }

    /** A guarded call in progress; shutdown waits for these before releasing. */
    private final class OpenTerm implements Term {
        private final Grant entered;
        private boolean closed;

        OpenTerm(Grant entered) {
            this.entered = entered;
        }

        @Override
        public long fencingToken() {
            return entered.token;
        }

        @Override
        public boolean isValid() {
            Grant g = grant;
            return g != null && g.epoch == entered.epoch && valid(g);
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    openTerms--;
                    lock.notifyAll();
                }
            }
        }
    }

    @Override
    public boolean awaitLeadership(Duration timeout) throws InterruptedException {
        checkOpen();
        long end = System.nanoTime() + Timing.boundedNanos(timeout);
        synchronized (lock) {
            while (!isLeader()) {
                long wait = end - System.nanoTime();
                if (wait <= 0 || closed) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, Math.min(wait, TimeUnit.MILLISECONDS.toNanos(100)));
            }
            return true;
        }
    }

    @Override
    public void stepDown() {
        synchronized (lock) {
            checkOpen();
            if (grant == null) {
                return;
            }
            endTerm(TermEnd.STEP_DOWN);
            scheduleStep(0);
        }
    }

    /**
     * How long a participant that stepped down stays out of the race. With a watch, followers wake at the release:
     * one renew interval is plenty. Without one (MariaDB, or a watch that could not be opened), followers sleep until
     * the lease they last saw can expire, up to a ttl (plus their retry back-off, at most a renew interval), and a
     * shorter back-off would hand the lease straight back to this participant. Caller holds the lock.
     */
    private long stepDownBackOffNanos() {
        long renew = settings.renewInterval().toNanos();
        return watch.isOpen() ? renew : settings.ttl().toNanos() + renew;
    }

    @Override
    public <T> CompletableFuture<T> runWhileLeader(Callable<T> task) {
        synchronized (lock) {
            checkOpen();
            if (!isLeader()) {
                return CompletableFuture.failedFuture(new NotLeaderException(
                        group, "participant " + participant + " does not lead group '" + group + "'"));
            }
            return leaderTasks.start(task);
        }
    }

    @Override
    public Registration onChange(Consumer<LeadershipChanged> listener) {
        checkOpen();
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public ElectionStatus status() {
        Grant g = grant;
        boolean leading = valid(g);
        Duration unreachableFor = health.unreachableFor();
        return new ElectionStatus(
                group,
                participant,
                leading ? Role.LEADER : Role.FOLLOWER,
                leader(),
                leading ? OptionalLong.of(g.token) : OptionalLong.empty(),
                unreachableFor.compareTo(settings.ttl()) < 0,
                unreachableFor,
                health.lastError(),
                store.describe());
    }

    // ---- the step chain ------------------------------------------------------------------------------------

    /** The election's phase now, from its state. Caller holds the lock. */
    private Phase phase() {
        return Phase.of(pendingRelease.isPresent(), grant != null, competing,
                scheduler.nanoTime() - notBeforeNanos < 0);
    }

    /** Schedules the next step no later than {@code delayNanos} from now. Caller holds the lock. */
    private void scheduleStep(long delayNanos) {
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
        nextStep = scheduler.schedule(this::runStep, delayNanos);
    }

    /**
     * Runs the next step of the chain: a pending release, else a renewal while leading, else an acquire.
     *
     * <p>An acquire that follows a failed call ({@link BackendHealth#failing()}) first reads the lease, and writes only when that read
     * is answered in time and shows no other holder. A call that timed out may still reach the store afterwards: a
     * renewal or an acquire the participant gave up on then extends or grants the lease to a participant that does not
     * know it holds it, and followers wait for that lease to expire. On a link too slow for the call timeout every
     * further acquire would do that again, keeping the group leaderless for as long as the link stays slow. A read
     * writes nothing; once one is answered in time, the link carries calls again, and the acquire that follows also
     * confirms (token unchanged) a lease such a late call granted.
     */
    private void runStep() {
        Op op;
        long opEpoch;
        Grant opGrant;
        long releaseToken = 0;
        boolean lookFirst = false;
        synchronized (lock) {
            nextStep = null;
            if (stepInFlight) {
                return;
            }
            switch (phase().nextStep(!valid(grant))) {
                case RELEASE -> {
                    op = Op.RELEASE;
                    releaseToken = pendingRelease.getAsLong();
                }
                case END_TERM -> {
                    // Woken after the local deadline (a pause, a starved scheduler) before the deadline check ran:
                    // the term is over whatever a renewal would answer now; announce it instead of quietly renewing.
                    endAtDeadline(grant);
                    return;
                }
                case RENEW -> op = Op.RENEW;
                case ACQUIRE -> {
                    op = Op.ACQUIRE;
                    lookFirst = health.failing();
                }
                case WAIT -> {
                    scheduleStep(notBeforeNanos - scheduler.nanoTime());
                    return;
                }
                default -> {
                    return;
                }
            }
            stepInFlight = true;
            wakeRequested = false;
            opEpoch = epoch;
            opGrant = grant;
        }
        if (op == Op.RENEW) {
            int limit = batcher.limit();
            if (limit > 1) {
                batcher.renew(new Renewal(opEpoch, opGrant), limit);
                return;
            }
        }
        long t0 = scheduler.nanoTime();
        Object answer = null;
        RuntimeException failure = null;
        try {
            answer = switch (op) {
                case ACQUIRE -> {
                    ensureWatch(); // in the try: an Error from the store's watch() must not leave the step in flight
                    Optional<LeaseRecord> seen = lookFirst ? store.read(group) : Optional.empty();
                    if (seen.isPresent() && !seen.get().heldBy(participant)) {
                        yield seen; // held by another: the answer an acquire would have given, and nothing written
                    }
                    Map<String, String> advertised = metadata.forAcquire(store, scheduler.wallClock(), participant);
                    t0 = scheduler.nanoTime(); // a grant counts from the acquire's request, not from the read's
                    yield store.tryAcquire(group, participant, settings.ttl(), advertised);
                }
                case RENEW -> store.renew(group, participant, opGrant.token, settings.ttl());
                case RELEASE -> store.release(group, participant, releaseToken);
            };
        } catch (RuntimeException e) {
            failure = e;
        } catch (VirtualMachineError e) {
            try {
                endTermOnFatalError(e);
            } finally {
                finishStep(op, t0, opEpoch, opGrant, releaseToken, null, storeFailedWith(e));
            }
            throw e;
        } catch (Error e) {
            failure = storeFailedWith(e);
        }
        finishStep(op, t0, opEpoch, opGrant, releaseToken, answer, failure);
    }

    /** An {@link Error} other than a {@link VirtualMachineError} from the store: a failed call, retried. */
    static IllegalStateException storeFailedWith(Error e) {
        return new IllegalStateException("the store failed with " + e, e);
    }

    /**
     * A store call failed with a {@link VirtualMachineError} (out of memory, stack overflow): this JVM can no longer
     * be trusted to renew in time, so a term ends now ({@link ChangeCause#BACKEND_UNAVAILABLE}, released, backed off)
     * instead of at its deadline. The caller then rethrows the error itself, unwrapped, to the thread's owner.
     */
    void endTermOnFatalError(VirtualMachineError e) {
        synchronized (lock) {
            if (grant == null) {
                return;
            }
            LOG.log(Level.ERROR, LogIds.FATAL_STORE_ERROR + ": group ''{0}'': a store call failed with {1}; this"
                    + " participant steps down at once and the error is rethrown", group, e);
            endTerm(TermEnd.FATAL_ERROR);
        }
    }

    /** Applies a step's answer and chains the next step. */
    private void finishStep(
            Op op, long t0, long opEpoch, Grant opGrant, long releaseToken, Object answer, RuntimeException failure) {
        synchronized (lock) {
            stepInFlight = false;
            boolean applied = false;
            try {
                apply(op, t0, opEpoch, opGrant, releaseToken, answer, failure);
                applied = true;
                reportLeader();
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
     * Claims this group's next renewal for a batch another group is about to send ({@link RenewalBatcher}): only when
     * this group leads, has no step in flight and its renewal is due within half a renew interval anyway.
     *
     * @param now the scheduler's time
     * @return the claimed renewal, which the claimer must {@linkplain Renewal#complete complete}; empty when not due
     */
    Optional<Renewal> claimEarlyRenewal(long now) {
        synchronized (lock) {
            if (stepInFlight || grant == null || pendingRelease.isPresent() || nextStep == null
                    || nextStepAt - now > settings.renewInterval().toNanos() / 2) {
                return Optional.empty();
            }
            nextStep.cancel();
            nextStep = null;
            stepInFlight = true;
            wakeRequested = false;
            return Optional.of(new Renewal(epoch, grant));
        }
    }

    /** One renewal step of this group, sent by a {@link RenewalBatcher} possibly together with other groups'. */
    final class Renewal {
        private final long opEpoch;
        private final Grant opGrant;

        private Renewal(long opEpoch, Grant opGrant) {
            this.opEpoch = opEpoch;
            this.opGrant = opGrant;
        }

        GroupElection election() {
            return GroupElection.this;
        }

        RenewRequest request() {
            return new RenewRequest(group, participant, opGrant.token, settings.ttl());
        }

        /** Applies the store's answer (or failure) to the group, exactly as a single renewal step would. */
        void complete(long t0, Optional<LeaseRecord> answer, RuntimeException failure) {
            finishStep(Op.RENEW, t0, opEpoch, opGrant, 0, answer, failure);
        }
    }

    @SuppressWarnings("unchecked")
    private void apply(
            Op op, long t0, long opEpoch, Grant opGrant, long releaseToken, Object answer, RuntimeException failure) {
        if (failure != null) {
            noteFailure(op, failure);
        } else {
            health.answered();
        }
        switch (op) {
            case ACQUIRE -> applyAcquire(t0, (Optional<LeaseRecord>) answer, failure);
            case RENEW -> applyRenew(t0, opEpoch, opGrant, (Optional<LeaseRecord>) answer, failure);
            case RELEASE -> applyRelease(releaseToken, (Boolean) answer, failure);
        }
    }

    private void applyAcquire(long t0, Optional<LeaseRecord> answer, RuntimeException failure) {
        if (failure != null) {
            scheduleStep(health.retryDelay(settings.renewInterval()));
            return;
        }
        if (answer.isEmpty()) {
            scheduleStep(Timing.jitter(Timing.RACE_RETRY_NANOS));
            return;
        }
        LeaseRecord lease = answer.get();
        if (!lease.heldBy(participant)) {
            known = infoOf(lease);
            scheduleStep(Timing.followerWait(lease, settings.ttl()));
            return;
        }
        long deadline = Timing.deadline(t0, settings.ttl(), lease, settings.safetyMargin());
        long now = scheduler.nanoTime();
        if (!competing || deadline - now <= 0) {
            // Shutting down, or the answer came too late to trust: give the lease back instead of leading.
            if (competing) {
                LOG.log(Level.WARNING, LogIds.LATE_GRANT + ": group ''{0}'': the store''s grant arrived after its"
                        + " local deadline (a slow or stalled call); it is released at once and the group competes"
                        + " again; check the backend''s latency against the ttl", group);
            }
            pendingRelease = OptionalLong.of(lease.token());
            scheduleStep(0);
            return;
        }
        epoch++;
        LeaderInfo self = infoOf(lease);
        Grant g = new Grant(lease.token(), deadline, epoch, self);
        grant = g;
        known = self;
        emit(Role.LEADER, Role.FOLLOWER, ChangeCause.ACQUIRED, lease.token(), Optional.of(self), 0);
        scheduleDeadlineCheck(g);
        scheduleStep(t0 + Timing.renewDelay(settings.ttl(), settings.renewInterval(), lease) - now);
        lock.notifyAll();
    }

    private void applyRenew(
            long t0, long opEpoch, Grant opGrant, Optional<LeaseRecord> answer, RuntimeException failure) {
        long now = scheduler.nanoTime();
        if (opEpoch != epoch) {
            // The term ended while the call was out. If the call extended the lease, give it back.
            if (failure == null && answer.isPresent() && answer.get().heldBy(participant)) {
                pendingRelease = OptionalLong.of(opGrant.token);
            }
            scheduleStep(0);
            return;
        }
        Grant current = grant;
        if (failure != null) {
            if (!valid(current)) {
                checkDeadline(current);
                return;
            }
            long retry = health.retryDelay(settings.renewInterval());
            scheduleStep(Math.min(retry, current.deadlineNanos - now));
            return;
        }
        if (answer.isEmpty() || !answer.get().heldBy(participant) || answer.get().token() != current.token) {
            known = answer.filter(l -> !l.heldBy(participant)).map(this::infoOf).orElse(null);
            endTerm(TermEnd.LOST);
            scheduleStep(0);
            return;
        }
        if (!valid(current)) {
            // Confirmed, but only after the local deadline: isLeader() was already false, so the term ended there.
            // Extending it now would hide that gap from the events (and a release hands the lease on at once).
            endAtDeadline(current);
            return;
        }
        long deadline = Timing.deadline(t0, settings.ttl(), answer.get(), settings.safetyMargin());
        if (deadline - current.deadlineNanos > 0) {
            Grant renewed = new Grant(current.token, deadline, current.epoch, current.info);
            grant = renewed;
            scheduleDeadlineCheck(renewed);
        }
        scheduleStep(t0 + Timing.renewDelay(settings.ttl(), settings.renewInterval(), answer.get()) - now);
    }

    private void applyRelease(long token, Boolean released, RuntimeException failure) {
        if (failure != null && health.consecutiveFailures() < 3) {
            // Worth a few retries so a follower need not wait for expiry; after that the store expires it anyway.
            scheduleStep(health.retryDelay(settings.renewInterval()));
            return;
        }
        if (pendingRelease.isPresent() && pendingRelease.getAsLong() == token) {
            pendingRelease = OptionalLong.empty();
        }
        if (failure == null && !released) {
            LOG.log(Level.DEBUG, "Group ''{0}'': token {1} had already expired or changed hands", group, token);
        }
        if (competing) {
            scheduleStep(Math.max(0, notBeforeNanos - scheduler.nanoTime()));
        }
    }

    private void scheduleDeadlineCheck(Grant g) {
        if (deadlineCheck != null) {
            deadlineCheck.cancel();
        }
        deadlineCheck = scheduler.schedule(() -> checkDeadline(g), g.deadlineNanos - scheduler.nanoTime());
    }

    /** Announces the end of a term whose renewals did not confirm it before its local deadline. */
    private void checkDeadline(Grant g) {
        synchronized (lock) {
            if (grant != g) {
                return;
            }
            if (valid(g)) {
                scheduleDeadlineCheck(g);
                return;
            }
            endAtDeadline(g);
        }
    }

    /**
     * Ends a term whose local deadline passed before a renewal confirmed it: announced as dated at that deadline
     * ({@link LeadershipChanged#validUntil()}), released, and followed by a back-off. Caller holds the lock.
     */
    private void endAtDeadline(Grant g) {
        LOG.log(Level.WARNING, LogIds.DEADLINE_MISSED + ": group ''{0}'': renewal not confirmed before the local"
                + " deadline ({1}); this participant steps down and guarded work stops; check the backend''s health"
                + " and latency, and that this process was not frozen (GC, CPU starvation)",
                group, health.lastError().orElse("no answer in time"));
        endTerm(TermEnd.DEADLINE);
        scheduleStep(0);
    }

    /**
     * Ends the current term: leadership is gone before anything else happens; then the release and back-off that
     * {@code end} calls for. Caller holds the lock.
     */
    private void endTerm(TermEnd end) {
        ChangeCause cause = end.cause(health.failing());
        Grant g = grant;
        grant = null;
        epoch++;
        if (deadlineCheck != null) {
            deadlineCheck.cancel();
            deadlineCheck = null;
        }
        if (end.releases()) {
            pendingRelease = OptionalLong.of(g.token);
        }
        long now = scheduler.nanoTime();
        switch (end.backOff()) {
            case RENEW_INTERVAL -> notBeforeNanos = now + settings.renewInterval().toNanos();
            case STEP_DOWN -> notBeforeNanos = now + stepDownBackOffNanos();
            case NONE -> { }
        }
        LeaderInfo k = known;
        if (k != null && k.participant().equals(participant)) {
            known = null;
            k = null;
        }
        leaderTasks.endAll(cause);
        // The term stopped being valid at its local deadline if that passed first (a pause, stalled renewals), else
        // now: an audit of "led from A to B" must not overlap the successor's term by the length of a pause.
        emit(Role.FOLLOWER, Role.LEADER, cause, g.token, Optional.ofNullable(k), Math.max(0, now - g.deadlineNanos));
        reportLeader();
        lock.notifyAll();
    }

    /**
     * Tells the observer when the leader this participant knows ({@link #leader()}) changed, so metrics can count the
     * time without one. Called after every store answer and every end of a term. Caller holds the lock.
     */
    private void reportLeader() {
        Optional<String> now = leader();
        if (!now.equals(reportedLeader)) {
            reportedLeader = now;
            observer.leaderSeen(group, now);
        }
    }

    /** The leader's info from a record the store returned: its holder, token and metadata. */
    private LeaderInfo infoOf(LeaseRecord lease) {
        return LeaderInfo.fromStored(lease.holder(), lease.token(), lease.metadata());
    }

    /**
     * @param leader the leader when known: its id and metadata go into the event
     * @param lateNanos how long before now the term stopped being valid (0 when it ends now, or for an acquisition)
     */
    private void emit(Role role, Role previous, ChangeCause cause, long token, Optional<LeaderInfo> leader,
            long lateNanos) {
        Instant at = scheduler.wallClock();
        Instant validUntil = at.minusNanos(lateNanos);
        LeadershipChanged event = new LeadershipChanged(group, participant, role, previous,
                leader.map(LeaderInfo::participant), OptionalLong.of(token), cause, at, validUntil,
                leader.map(LeaderInfo::metadata).orElse(Map.of()));
        LOG.log(cause == ChangeCause.ACQUIRED || cause == ChangeCause.RELEASED || cause == ChangeCause.SHUTDOWN
                        ? Level.INFO : Level.WARNING,
                LogIds.ROLE_CHANGED + ": group ''{0}'': {1} -> {2} ({3}, token {4})", group, previous, role, cause, token);
        List<Consumer<LeadershipChanged>> all = new ArrayList<>(globalListeners);
        all.addAll(listeners);
        dispatcher.dispatch(event, all);
    }

    private void noteFailure(Op op, RuntimeException e) {
        boolean first = health.failed(e);
        LOG.log(first ? Level.WARNING : Level.DEBUG,
                LogIds.STORE_CALL_FAILED + ": group ''{0}'': {1} failed: {2}; retried with back-off (a leader keeps its"
                        + " term until its local deadline); check the backend", group, op, health.lastError().orElse(""));
    }

    /** Called by the store's watch on a backend thread: wake a sleeping follower at once. */
    private void onWatchEvent() {
        synchronized (lock) {
            if (phase() == Phase.FOLLOWING) {
                scheduleStep(0);
            }
        }
    }

    /** Opens the store's watch once; runs on the step thread because opening may need the backend. */
    private void ensureWatch() {
        synchronized (lock) {
            if (!competing) {
                return;
            }
        }
        watch.open();
    }

    // ---- shutdown ------------------------------------------------------------------------------------------

    @Override
    public void close() {
        synchronized (lock) {
            if (closed) {
                left.join(); // idempotent, and returns only once the group is left
                return;
            }
            closed = true;
            lock.notifyAll(); // awaitLeadership() returns false
        }
        try {
            leave.accept(this);
        } finally {
            left.complete(null);
        }
    }

    /** @return true once {@link #close()} was called (the group may still be being left) */
    boolean closed() {
        return closed;
    }

    /** Waits until a {@link #close()} in progress has left the group (bounded: leaving is). */
    void awaitLeft() {
        left.join();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException(LogIds.ELECTION_CLOSED + ": the election of group '" + group
                    + "' on participant " + participant + " was closed (LeaderElection.close()); this handle is spent:"
                    + " ask the Baton for the group again to compete in it");
        }
    }

    /** Stops competing; the current term (if any) goes on until {@link #shutdown(long)}. */
    void stopCompeting() {
        synchronized (lock) {
            competing = false;
            if (phase() == Phase.STOPPED) {
                cancelNextStep();
            }
        }
    }

    /**
     * Graceful end: waits for open terms, ends the term with {@code cause} and releases the lease on the calling
     * thread, all bounded by {@code endNanos} on {@link System#nanoTime()} (real threads are waited for, so real time
     * bounds the wait even under a manual scheduler).
     *
     * @param end {@link TermEnd#SHUTDOWN} when Baton closes, {@link TermEnd#LEAVE} when only this group is left
     */
    void shutdown(long endNanos, TermEnd end) {
        stopCompeting();
        synchronized (lock) {
            awaitUntil(() -> openTerms == 0 || grant == null, endNanos);
            if (grant != null) {
                endTerm(end);
            }
        }
        // Release on this thread rather than trusting a scheduler that is about to stop.
        while (System.nanoTime() - endNanos < 0) {
            synchronized (lock) {
                awaitUntil(() -> !stepInFlight, endNanos);
                if (stepInFlight || pendingRelease.isEmpty()) {
                    break;
                }
                cancelNextStep();
            }
            runStep();
        }
        synchronized (lock) {
            cancelNextStep();
        }
        watch.close(); // outside the lock: closing may wait for the store's notification thread
    }

    private void cancelNextStep() {
        if (nextStep != null) {
            nextStep.cancel();
            nextStep = null;
        }
    }

    private void awaitUntil(java.util.function.BooleanSupplier condition, long endNanos) {
        while (!condition.getAsBoolean()) {
            long left = endNanos - System.nanoTime();
            if (left <= 0) {
                return;
            }
            try {
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public String toString() {
        return "LeaderElection[group=" + group + ", participant=" + participant + ", leader=" + isLeader()
                + (closed ? ", closed" : "") + "]";
    }
}
