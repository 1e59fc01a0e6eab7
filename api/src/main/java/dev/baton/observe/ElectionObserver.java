package dev.baton.observe;

import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import java.util.Optional;

/**
 * Receives what a {@link dev.baton.engine.Baton} does, for metrics and tracing. Register with
 * {@link dev.baton.engine.Baton.Builder#observer(ElectionObserver)} or {@link dev.baton.engine.Baton#observe}.
 *
 * <p>Every method has an empty default. {@link #storeCall} runs on the thread that made the call, a lease
 * thread: it must be fast and must never block (count, record, return), or it delays renewals. An exception it throws
 * is logged and ignored. {@link #leadershipChanged} runs on Baton's event thread, in order, like
 * {@link LeaderElection#onChange} listeners.
 */
public interface ElectionObserver {

    /**
     * A group's election started (or was already running when the observer was added).
     *
     * @param election the election; its {@link LeaderElection#status()} is cheap to read
     */
    default void electionStarted(LeaderElection election) {}

    /**
     * One call to the store ended.
     *
     * @param name the group or one-off lease the call was for (a batched renewal reports once per lease, each with
     *     the whole batch's time)
     * @param operation what was called
     * @param nanos how long the call took
     * @param failure the exception the store threw, or {@code null} when it answered (an answer of "not granted" or
     *     "lost" is an answer, not a failure)
     */
    default void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {}

    /**
     * This participant's role in a group changed.
     *
     * @param change the change, as listeners receive it
     */
    default void leadershipChanged(LeadershipChanged change) {}

    /**
     * The leader this participant knows for a group changed: another participant, itself, or none (after a tenure
     * ended, or before the first answer of the store). Metrics count the time without a known leader from these calls.
     * Runs on a lease thread (or the thread that ended a tenure) with the group's lock held: record and return.
     *
     * @param group the group
     * @param leader the leader now known ({@link LeaderElection#leader()}), or empty when none is
     */
    default void leaderSeen(String group, Optional<String> leader) {}
}
