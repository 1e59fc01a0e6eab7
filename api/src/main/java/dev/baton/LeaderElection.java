package dev.baton;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * This participant's view of one group's election. One instance per group; in CDI inject it with
 * {@code @Inject LeaderElection} (the default group) or {@code @Inject @ElectionGroup("reports") LeaderElection}.
 *
 * <p>The election runs by itself once created: the participant competes for the group's lease, renews it while it
 * leads, and steps down when a renewal finds another holder or when renewals cannot be confirmed before the local
 * deadline. See the safety model in the project README.
 *
 * <p>Thread safety: every method may be called from any thread. Listeners run on Baton's event thread, never on the
 * thread that renews leases, and must not block for long.
 *
 * <p>An election runs until {@link #close()} (this group only) or until the Baton that started it closes (every
 * group).
 */
public interface LeaderElection extends AutoCloseable {

    /** @return the group (lease name) */
    String group();

    /** @return this participant's id */
    String participant();

    /**
     * Whether this participant leads now. True only while the current grant is within its local deadline: a grant
     * obtained by a request sent at local time {@code t0} is trusted until {@code t0 + ttl - safety margin}, measured
     * with {@link System#nanoTime()}. After that instant this returns false even if no Baton thread has run since,
     * so a paused or starved process never believes it still leads.
     *
     * @return true when this participant holds a valid grant
     */
    boolean isLeader();

    /**
     * @return the fencing token of the current grant while {@link #isLeader()}; empty otherwise. Tokens strictly
     *     increase each time the lease changes hands.
     */
    OptionalLong fencingToken();

    /**
     * @return the leader's participant id when known: this participant while it leads, otherwise the holder last
     *     reported by the store (which may be stale)
     */
    Optional<String> leader();

    /**
     * The leader with what it advertises: id, fencing token, metadata ({@code url}, {@code version}, ...) and since
     * when it leads as far as the store says. On the leader itself, its own info while {@link #isLeader()}; on a
     * follower, the holder last reported by the store. Answered locally, without a store call: a follower refreshes
     * it when it learns of a new holder (the store's notification of a change, or its next acquire attempt when the
     * lease it last saw can expire), so it may be stale, like {@link #leader()}, with which it always agrees.
     *
     * <p>Metadata is empty when the leader advertises none or the backend keeps none
     * ({@link dev.baton.spi.LeaseStore#supportsMetadata()}). Informational only: route requests with it, never
     * decide with it whether this participant may act.
     *
     * @return the leader's info when a leader is known; empty otherwise
     */
    Optional<LeaderInfo> leaderInfo();

    /**
     * Enters guarded work if this participant leads now. The returned term carries the fencing token and stays
     * open until closed; a graceful shutdown waits (bounded) for open terms before it releases the lease. This is
     * what the {@link Leader} interceptor does around every guarded call.
     *
     * @return an open term when leading, empty otherwise
     */
    Optional<Term> tryEnter();

    /**
     * Waits until this participant leads.
     *
     * @param timeout the longest wait
     * @return true when leading, false when the timeout passed first
     * @throws InterruptedException when the waiting thread is interrupted
     */
    boolean awaitLeadership(Duration timeout) throws InterruptedException;

    /**
     * Gives leadership up now: {@link #isLeader()} is false before the store is asked to release, a
     * {@link ChangeCause#RELEASED} event follows, and this participant stays out of the race long enough for another
     * to take over: one renew interval on a store that notifies followers of a release, one ttl plus one renew
     * interval on a store that cannot (followers there only wake when the lease they last saw could expire). Does
     * nothing on a follower.
     */
    void stepDown();

    /**
     * Runs a long task only while this participant leads. The task starts on a Baton task thread if this
     * participant leads now; when leadership ends for any reason the thread is interrupted and the returned future
     * completes exceptionally with {@link NotLeaderException}. If this participant does not lead at the call, the
     * future fails at once with {@link NotLeaderException}. The returned future is completed on Baton's event thread,
     * never on a thread that renews leases, so a stage chained to it without {@code *Async} cannot delay a renewal
     * (a blocking one delays later events, as a slow listener would).
     *
     * <p>Interruption is cooperative: code that ignores interrupts keeps running. Pass {@link #fencingToken()} to
     * the resources the task writes when that matters.
     *
     * @param task the work
     * @param <T> the task's result type
     * @return the task's result, or a failure as described
     */
    <T> CompletableFuture<T> runWhileLeader(Callable<T> task);

    /**
     * Registers a listener for this group's role changes. Listeners run on Baton's event thread in the order the
     * changes happened. By the time a listener runs the state may have changed again.
     *
     * @param listener the listener
     * @return a registration that removes the listener when closed
     */
    Registration onChange(Consumer<LeadershipChanged> listener);

    /** @return a snapshot of the election's state and backend health, for health checks and diagnostics */
    ElectionStatus status();

    /**
     * Leaves this group, leaving the participant's other groups and leases alone: stops competing, and when this
     * participant leads, waits (bounded by the shutdown timeout) for open terms ({@link #tryEnter()}), ends the
     * tenure with {@link ChangeCause#RELEASED} ({@link #isLeader()} false first) and releases the lease, so another
     * participant takes over at once, as after {@link #stepDown()}. Returns once the release has returned (or failed:
     * the lease then expires by its ttl in the store). Idempotent: a later or concurrent call returns once the first
     * one has finished.
     *
     * <p>Afterwards this handle is spent: {@link #isLeader()}, {@link #fencingToken()}, {@link #leader()},
     * {@link #leaderInfo()} and {@link #status()} still answer (never leading), while {@link #tryEnter()},
     * {@link #awaitLeadership(Duration)}, {@link #stepDown()}, {@link #runWhileLeader(Callable)} and
     * {@link #onChange(Consumer)} throw {@link IllegalStateException} with id {@code BATON-ENG-0017}. Asking the Baton
     * for the group again starts a new election with a new handle. In a CDI application the container owns the
     * injected elections; closing one also stops every {@code @Leader} method of that group (their calls fail with
     * that error).
     */
    @Override
    void close();
}
