package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.Registration;
import dev.baton.observe.ElectionObserver;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * The groups one {@link Baton} competes in: one election per group name, started on first request, left by
 * {@link LeaderElection#close()}. Group names share one namespace with the participant's one-off leases, and a name
 * stays taken until the release of the election that held it has returned, so that no new election (or lease) of
 * this participant is "confirmed" a grant being released.
 *
 * <p>Starting, leaving, adding an observer and closing are serialized on the map; reads are lock-free.
 */
final class GroupRegistry {

    /** Builds a group's election; {@code leave} is what its {@link LeaderElection#close()} runs. */
    interface Factory {
        GroupElection create(String group, ElectionSettings settings, Consumer<GroupElection> leave);
    }

    private final Map<String, GroupElection> elections = new ConcurrentHashMap<>();
    private final Factory factory;
    private final Predicate<String> isLease;
    private final Observers observers;
    private final Duration shutdownTimeout;
    /** Set once by {@link #close()}; guarded by {@link #elections}. */
    private boolean closed;

    /**
     * @param isLease whether a name is reserved by a one-off lease of this participant
     * @param shutdownTimeout the bound on leaving a group
     */
    GroupRegistry(Factory factory, Predicate<String> isLease, Observers observers, Duration shutdownTimeout) {
        this.factory = factory;
        this.isLease = isLease;
        this.observers = observers;
        this.shutdownTimeout = shutdownTimeout;
    }

    /** As {@link Baton#election(String, ElectionSettings)}, once the arguments are checked. */
    LeaderElection join(String group, ElectionSettings settings) {
        while (true) {
            GroupElection leaving;
            synchronized (elections) {
                if (closed) {
                    throw new IllegalStateException("Baton is closed: cannot start the election of group '" + group
                            + "'");
                }
                GroupElection existing = elections.get(group);
                if (existing == null) {
                    return start(group, settings);
                }
                if (!existing.closed()) {
                    if (!existing.settings().equals(settings)) {
                        throw new IllegalStateException("group '" + group + "' already runs with "
                                + existing.settings() + "; cannot start it again with " + settings);
                    }
                    return existing;
                }
                leaving = existing;
            }
            // The group is being left: its name stays taken until the release returned (else the new election's
            // acquire would be "confirmed" the grant being released); wait, bounded by the shutdown timeout.
            leaving.awaitLeft();
        }
    }

    /** Starts a group's election. Caller holds the elections' lock; the name is free. */
    private GroupElection start(String group, ElectionSettings settings) {
        GroupElection election = factory.create(group, settings, this::leave);
        // Put first, then look for a one-off lease of that name: LeaseKeeper reserves first, then looks for a
        // group, so of two racing calls at least one sees the other.
        elections.put(group, election);
        if (isLease.test(group)) {
            elections.remove(group);
            throw new IllegalArgumentException("'" + group + "' is the name of a one-off lease this participant"
                    + " holds; lease names and group names share one namespace, choose another group name");
        }
        election.start();
        observers.electionStarted(election);
        return election;
    }

    /**
     * Leaves a group ({@link LeaderElection#close()}): ends and releases its tenure like a shutdown of this group
     * alone, then frees its name, only once the release has returned.
     */
    private void leave(GroupElection election) {
        election.shutdown(System.nanoTime() + Timing.boundedNanos(shutdownTimeout), TenureEnd.LEAVE);
        synchronized (elections) {
            elections.remove(election.group(), election);
        }
    }

    /** @return whether {@code name} is a group of this participant (started, possibly being left) */
    boolean isGroup(String name) {
        return elections.containsKey(name);
    }

    /** @return the group's election if it was started and not closed */
    Optional<LeaderElection> existing(String group) {
        GroupElection election = elections.get(group);
        return election == null || election.closed() ? Optional.empty() : Optional.of(election);
    }

    /** @return every started election not closed */
    Collection<LeaderElection> open() {
        return elections.values().stream().filter(e -> !e.closed()).map(LeaderElection.class::cast).toList();
    }

    /** @return every election, closed ones being left included: a live view, for renewals batched across groups */
    Collection<GroupElection> all() {
        return elections.values();
    }

    /** Adds an observer that first hears of every election already running, none missed nor told twice. */
    Registration observe(ElectionObserver observer) {
        synchronized (elections) {
            Registration r = observers.add(observer);
            elections.values().forEach(observer::electionStarted);
            return r;
        }
    }

    /** @return the elections to shut down, or empty when already closed; no election starts afterwards */
    Optional<List<GroupElection>> close() {
        synchronized (elections) {
            if (closed) {
                return Optional.empty();
            }
            closed = true;
            return Optional.of(new ArrayList<>(elections.values()));
        }
    }
}
