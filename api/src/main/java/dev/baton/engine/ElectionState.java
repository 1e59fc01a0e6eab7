package dev.baton.engine;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderInfo;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.spi.LeaseRecord;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The state of one group's election on this participant, and the transitions of a tenure: begun by a grant, extended
 * by renewals, ended (announced, released, backed off) by whatever ends it. {@link StepChain} decides when the store
 * is called and {@link StepAnswers} what its answers mean; both change the state only through this class.
 *
 * <p>Locking: every field is guarded by {@link #lock()}, the election's one lock (on which
 * {@code awaitLeadership} and shutdown wait); {@code grant} and {@code known} are volatile as well, so that
 * {@link #isLeader()} and the leader's info are read without it. The rules that keep a stale leader from believing it
 * leads:
 * <ul>
 *   <li>a grant is trusted strictly before its local deadline, compared with the clock on every read;</li>
 *   <li>every transition bumps {@link #epoch()}; a step's answer for an older epoch is discarded (and a grant it
 *       extended is released), so a late renewal can never resurrect a tenure that already ended;</li>
 *   <li>leadership is gone ({@code grant} null) before an end is announced, released or backed off.</li>
 * </ul>
 */
final class ElectionState {
    // The election's logger, whichever class logs: operators filter on it.
    private static final System.Logger LOG = System.getLogger(GroupElection.class.getName());

    private final String group;
    private final String participant;
    private final ElectionSettings settings;
    /** The context's clock, held directly: {@link #isLeader()} reads it on every guarded call. */
    private final Scheduler scheduler;
    private final BackendHealth health;
    private final StoreWatch watch;
    private final LeaderTasks leaderTasks;
    private final ElectionEvents events;
    private final DeadlineCheck deadlineCheck;

    private final Object lock = new Object();
    private volatile Grant grant;
    /** The holder last reported by the store (this participant while it leads), or null when unknown. */
    private volatile LeaderInfo known;
    private long epoch;
    private boolean competing = true;
    private OptionalLong pendingRelease = OptionalLong.empty();
    private long notBeforeNanos;
    /** Schedules the chain's next step at once; set once by the chain ({@link #chainTo}). */
    private Runnable stepNow = () -> { };

    ElectionState(ElectionContext context, StoreWatch watch, LeaderTasks leaderTasks, ElectionEvents events) {
        this.group = context.group();
        this.participant = context.participant();
        this.settings = context.settings();
        this.scheduler = context.scheduler();
        this.health = context.health();
        this.watch = watch;
        this.leaderTasks = leaderTasks;
        this.events = events;
        this.deadlineCheck = new DeadlineCheck(scheduler);
        // nanoTime may be negative: "not before" starts at now, never at zero.
        this.notBeforeNanos = scheduler.nanoTime();
    }

    /** @param stepNow schedules the chain's next step at once (after a tenure ended at its deadline) */
    void chainTo(Runnable stepNow) {
        this.stepNow = stepNow;
    }

    /** @return the election's one lock */
    Object lock() {
        return lock;
    }

    // ---- reads (any thread) -------------------------------------------------------------------------------

    /** @return the grant held, valid or not; null when none */
    Grant grant() {
        return grant;
    }

    /** @return whether {@code g} is held and before its local deadline now */
    boolean valid(Grant g) {
        return g != null && g.validAt(scheduler.nanoTime());
    }

    boolean isLeader() {
        return valid(grant);
    }

    /** @return the leader's info: this participant's while it leads, else the other holder the store last reported */
    Optional<LeaderInfo> leaderInfo() {
        Grant g = grant;
        if (valid(g)) {
            return Optional.of(g.info());
        }
        LeaderInfo k = known;
        return k == null || k.participant().equals(participant) ? Optional.empty() : Optional.of(k);
    }

    Optional<String> leader() {
        return leaderInfo().map(LeaderInfo::participant);
    }

    // ---- reads and writes (caller holds the lock) ---------------------------------------------------------

    /** @return the election's phase now */
    Phase phase() {
        return Phase.of(pendingRelease.isPresent(), grant != null, competing,
                Timing.before(scheduler.nanoTime(), notBeforeNanos));
    }

    long epoch() {
        return epoch;
    }

    boolean competing() {
        return competing;
    }

    /** Stops competing: no acquire from now on; a tenure in progress goes on until it ends. */
    void stopCompeting() {
        competing = false;
    }

    OptionalLong pendingRelease() {
        return pendingRelease;
    }

    /** @param token a token to give back before anything else ({@link Phase#RELEASING}) */
    void queueRelease(long token) {
        pendingRelease = OptionalLong.of(token);
    }

    /** The release of an ended tenure was answered, or failed: its held log line goes out ({@link ElectionEvents}). */
    void releaseAnswered() {
        events.flushHeldLogLine();
    }

    /** @param token a token given back (or given up on): no longer pending */
    void released(long token) {
        if (pendingRelease.isPresent() && pendingRelease.getAsLong() == token) {
            pendingRelease = OptionalLong.empty();
        }
    }

    /** @return the end of the back-off, on the scheduler's clock */
    long notBeforeNanos() {
        return notBeforeNanos;
    }

    /** @param holder another participant the store reported as the holder */
    void sawHolder(LeaseRecord holder) {
        known = infoOf(holder);
    }

    /**
     * Begins a tenure: the store granted {@code lease}, trusted until {@code deadline}. Announced, and watched by the
     * deadline check.
     */
    void begin(LeaseRecord lease, long deadline) {
        epoch++;
        LeaderInfo self = infoOf(lease);
        Grant g = new Grant(lease.token(), deadline, epoch, self);
        grant = g;
        known = self;
        events.roleChanged(Role.LEADER, Role.FOLLOWER, ChangeCause.ACQUIRED, lease.token(), Optional.of(self), 0,
                false);
        scheduleDeadlineCheck(g);
        lock.notifyAll();
    }

    /** A renewal confirmed {@code current} until a later {@code deadline}. */
    void extend(Grant current, long deadline) {
        Grant renewed = current.extendedTo(deadline);
        grant = renewed;
        scheduleDeadlineCheck(renewed);
    }

    /**
     * A renewal found the lease gone: held by another (then {@code answer} names it) or by nobody.
     *
     * @param answer the renewal's answer
     */
    void lost(Optional<LeaseRecord> answer) {
        known = answer.filter(l -> !l.heldBy(participant)).map(this::infoOf).orElse(null);
        endTenure(TenureEnd.LOST);
    }

    private void scheduleDeadlineCheck(Grant g) {
        deadlineCheck.at(g.deadlineNanos(), () -> checkDeadline(g));
    }

    /** Announces the end of a tenure whose renewals did not confirm it before its local deadline. */
    void checkDeadline(Grant g) {
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
     * Ends a tenure whose local deadline passed before a renewal confirmed it: announced as dated at that deadline
     * ({@link LeadershipChanged#validUntil()}), released, and followed by a back-off. Caller holds the lock.
     */
    void endAtDeadline(Grant g) {
        LOG.log(Level.WARNING, LogIds.DEADLINE_MISSED + ": group ''{0}'': renewal not confirmed before the local"
                + " deadline ({1}); this participant steps down and guarded work stops; check the backend''s health"
                + " and latency, and that this process was not frozen (GC, CPU starvation)",
                group, health.lastError().orElse("no answer in time"));
        endTenure(TenureEnd.DEADLINE);
        stepNow.run();
    }

    /**
     * A store call failed with a {@link VirtualMachineError} (out of memory, stack overflow): this JVM can no longer
     * be trusted to renew in time, so a tenure ends now ({@link ChangeCause#BACKEND_UNAVAILABLE}, released, backed
     * off) instead of at its deadline. The caller then rethrows the error itself, unwrapped, to the thread's owner.
     */
    void endTenureOnFatalError(VirtualMachineError e) {
        synchronized (lock) {
            if (grant == null) {
                return;
            }
            LOG.log(Level.ERROR, LogIds.FATAL_STORE_ERROR + ": group ''{0}'': a store call failed with {1}; this"
                    + " participant steps down at once and the error is rethrown", group, e);
            endTenure(TenureEnd.FATAL_ERROR);
        }
    }

    /**
     * Ends the current tenure: leadership is gone before anything else happens; then the release and back-off that
     * {@code end} calls for. Caller holds the lock.
     */
    void endTenure(TenureEnd end) {
        ChangeCause cause = end.cause(health.failing());
        Grant g = grant;
        grant = null;
        epoch++;
        deadlineCheck.cancel();
        if (end.releases()) {
            pendingRelease = OptionalLong.of(g.token());
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
        // The tenure stopped being valid at its local deadline if that passed first (a pause, stalled renewals), else
        // now: an audit of "led from A to B" must not overlap the successor's tenure by the length of a pause.
        events.roleChanged(Role.FOLLOWER, Role.LEADER, cause, g.token(), Optional.ofNullable(k),
                Math.max(0, now - g.deadlineNanos()), end.handsOver());
        reportLeader();
        lock.notifyAll();
    }

    /**
     * How long a participant that stepped down stays out of the race. With a watch, followers wake at the release:
     * one renew interval is plenty. Without one (MariaDB, or a watch that could not be opened), followers sleep until
     * the lease they last saw can expire, up to a ttl (plus their retry back-off, at most a renew interval), and a
     * shorter back-off would hand the lease straight back to this participant.
     */
    private long stepDownBackOffNanos() {
        long renew = settings.renewInterval().toNanos();
        return watch.isOpen() ? renew : settings.ttl().toNanos() + renew;
    }

    /** Tells the observer the leader this participant knows now, if it changed. Caller holds the lock. */
    void reportLeader() {
        events.leaderSeen(leader());
    }

    /** The leader's info from a record the store returned: its holder, token and metadata. */
    private LeaderInfo infoOf(LeaseRecord lease) {
        return LeaderInfo.fromStored(lease.holder(), lease.token(), lease.metadata());
    }
}
