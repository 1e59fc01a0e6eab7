package dev.baton.engine;

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
import dev.baton.spi.LeaseStore;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * One group's election on this participant: the {@link LeaderElection} a user holds, wired to parts of one concern
 * each, which share one lock ({@link ElectionState#lock()}):
 * <ul>
 *   <li>{@link ElectionState}: the grant, the phase and the transitions of a tenure. {@link #isLeader()} compares the
 *       grant's local deadline ({@link Timing#deadline}) with the clock on every call, so it turns false on time even
 *       if no thread runs; a {@link DeadlineCheck} announces the end when renewals did not confirm the grant in time;
 *       an answer for an older epoch never resurrects a tenure that ended.</li>
 *   <li>{@link StepChain} and {@link StepAnswers}: one serial chain of store calls on the scheduler (release, else
 *       renew, else acquire), each made outside the lock and applied under it, so a hung call never blocks
 *       {@link #isLeader()}, events or the deadline check. Followers sleep until the holder's lease can expire, or
 *       until the {@link StoreWatch} says it changed. The leader's info is the record the last acquire (or read)
 *       answered ({@link AdvertisedMetadata}), so asking for it costs no store call.</li>
 *   <li>{@link OpenTerms} (guarded calls), {@link LeaderTasks} ({@code runWhileLeader}), {@link ElectionEvents} (role
 *       changes, never on a lease thread), {@link BackendHealth} (whether the store answers).</li>
 * </ul>
 */
final class GroupElection implements LeaderElection {
    private final String group;
    private final String participant;
    private final LeaseStore store;
    private final ElectionSettings settings;
    private final BackendHealth health;
    private final StoreWatch watch;
    private final LeaderTasks leaderTasks;
    private final ElectionEvents events;
    private final ElectionState state;
    private final StepChain steps;
    private final OpenTerms terms;
    private final Object lock;
    /** Leaves the group for {@link #close()}: ends and releases the tenure, then frees the name in the Baton. */
    private final Consumer<GroupElection> leave;
    /** Set by {@link #close()}: the handle is spent. */
    private volatile boolean closed;
    /** Completed when the {@link #close()} that set {@link #closed} has left the group. */
    private final CompletableFuture<Void> left = new CompletableFuture<>();

    GroupElection(String group, String participant, LeaseStore store, ElectionSettings settings, Scheduler scheduler,
            EventDispatcher dispatcher, Executor taskExecutor, List<Consumer<LeadershipChanged>> globalListeners,
            RenewalBatcher batcher, AdvertisedMetadata metadata, ElectionObserver observer,
            Consumer<GroupElection> leave) {
        this.group = group;
        this.participant = participant;
        this.store = store;
        this.settings = settings;
        this.leave = leave;
        this.health = new BackendHealth(scheduler);
        this.leaderTasks = new LeaderTasks(group, taskExecutor, dispatcher);
        this.watch = new StoreWatch(store, group, this::onWatchEvent);
        this.events = new ElectionEvents(group, participant, scheduler, dispatcher, globalListeners, observer);
        ElectionContext context = new ElectionContext(group, participant, settings, scheduler, health);
        this.state = new ElectionState(context, watch, leaderTasks, events);
        this.lock = state.lock();
        this.steps = new StepChain(context, store, batcher, metadata, watch, state);
        this.state.chainTo(() -> steps.scheduleStep(0));
        this.terms = new OpenTerms(state);
    }

    ElectionSettings settings() {
        return settings;
    }

    /** @return the group's step chain, for a {@link RenewalBatcher} that renews several leases at once */
    StepChain steps() {
        return steps;
    }

    void start() {
        synchronized (lock) {
            steps.scheduleStep(0);
        }
    }

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
        return state.isLeader();
    }

    @Override
    public OptionalLong fencingToken() {
        Grant g = state.grant();
        return state.valid(g) ? OptionalLong.of(g.token()) : OptionalLong.empty();
    }

    @Override
    public Optional<String> leader() {
        return state.leader();
    }

    @Override
    public Optional<LeaderInfo> leaderInfo() {
        return state.leaderInfo();
    }

    @Override
    public Optional<Term> tryEnter() {
        synchronized (lock) {
            Grant g = state.grant();
            if (!state.valid(g)) {
                checkOpen(); // only here: a closed election never leads, so the leader's path pays nothing
                return Optional.empty();
            }
            return Optional.of(terms.enter(g));
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
            if (state.grant() == null) {
                return;
            }
            state.endTenure(TenureEnd.STEP_DOWN);
            steps.scheduleStep(0);
        }
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
        return events.add(listener);
    }

    @Override
    public ElectionStatus status() {
        Grant g = state.grant();
        boolean leading = state.valid(g);
        Duration unreachableFor = health.unreachableFor();
        return new ElectionStatus(group, participant, leading ? Role.LEADER : Role.FOLLOWER, leader(),
                leading ? OptionalLong.of(g.token()) : OptionalLong.empty(),
                unreachableFor.compareTo(settings.ttl()) < 0, unreachableFor, health.lastError(), store.describe());
    }

    /**
     * Called by the store's watch on a backend thread: a sleeping follower takes a lease handed to it there and then,
     * else wakes at once ({@link StepChain#acquireHandedOver}).
     */
    private void onWatchEvent() {
        steps.acquireHandedOver();
    }

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

    /** Stops competing; the current tenure (if any) goes on until {@link #shutdown}. */
    void stopCompeting() {
        synchronized (lock) {
            state.stopCompeting();
            if (state.phase() == Phase.STOPPED) {
                steps.cancelNextStep();
            }
        }
    }

    /**
     * Graceful end: waits for open terms, ends the tenure with {@code end} and releases the lease on the calling
     * thread, all bounded by {@code endNanos} on {@link System#nanoTime()} (real threads are waited for, so real time
     * bounds the wait even under a manual scheduler).
     *
     * @param end {@link TenureEnd#SHUTDOWN} when Baton closes, {@link TenureEnd#LEAVE} when only this group is left
     */
    void shutdown(long endNanos, TenureEnd end) {
        stopCompeting();
        synchronized (lock) {
            awaitUntil(() -> terms.none() || state.grant() == null, endNanos);
            if (state.grant() != null) {
                state.endTenure(end);
            }
        }
        // Release on this thread rather than trusting a scheduler that is about to stop.
        while (System.nanoTime() - endNanos < 0) {
            synchronized (lock) {
                awaitUntil(() -> !steps.inFlight(), endNanos);
                if (steps.inFlight() || state.pendingRelease().isEmpty()) {
                    break;
                }
                steps.cancelNextStep();
            }
            steps.runStep();
        }
        synchronized (lock) {
            steps.cancelNextStep();
            state.releaseAnswered(); // answered, or not sent in time: its log line goes out either way
        }
        watch.close(); // outside the lock: closing may wait for the store's notification thread
    }

    /** Waits on the lock until {@code condition} holds or {@code endNanos} passes. Caller holds the lock. */
    private void awaitUntil(BooleanSupplier condition, long endNanos) {
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
