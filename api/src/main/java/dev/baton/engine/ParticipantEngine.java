package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Registration;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.FlightRecorderObserver;
import dev.baton.spi.LeaseStore;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * The running engine behind one {@link Baton}: the threads (scheduler, event thread, task pool), the observed
 * store, the groups and one-off leases of this participant, wired once, and their graceful shutdown in the order that
 * lets others take over at once. {@link Baton} is its public face and builder; this class holds no public API.
 *
 * <p>Thread safety: every method may be called from any thread; starting and closing are serialized by the
 * {@link GroupRegistry}.
 */
final class ParticipantEngine {
    // Baton's logger: its shutdown line is Baton's to operators and tests alike.
    private static final System.Logger LOG = System.getLogger(Baton.class.getName());

    private final String participant;
    private final AdvertisedMetadata metadata;
    private final LeaseStore store;
    /** The store as elections and leases call it: timed and reported to the observers. */
    private final LeaseStore observedStore;
    private final Observers observers = new Observers();
    private final boolean closeStore;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Duration shutdownTimeout;
    private final EventDispatcher dispatcher = new EventDispatcher();
    private final ExecutorService taskExecutor =
            Executors.newCachedThreadPool(ThreadPoolScheduler.daemonThreads("baton-task-"));
    private final List<Consumer<LeadershipChanged>> globalListeners = new CopyOnWriteArrayList<>();
    private final GroupRegistry groups;
    private final LeaseKeeper leases;
    private final RenewalBatcher renewals;

    /**
     * @param scheduler the caller's scheduler (not closed here), or null for a default one of {@code threads}
     * @param extraObservers observers given to the builder, after the flight recorder's
     */
    ParticipantEngine(String participant, Map<String, String> metadata, LeaseStore store, boolean closeStore,
            Scheduler scheduler, int threads, Duration shutdownTimeout, List<ElectionObserver> extraObservers) {
        this.participant = participant;
        this.metadata = new AdvertisedMetadata(metadata);
        this.store = store;
        this.closeStore = closeStore;
        this.ownsScheduler = scheduler == null;
        this.scheduler = scheduler != null ? scheduler : new ThreadPoolScheduler(threads);
        this.shutdownTimeout = shutdownTimeout;
        observers.add(FlightRecorderObserver.get());
        extraObservers.forEach(observers::add);
        globalListeners.add(observers::leadershipChanged);
        this.observedStore = new ObservedStore(store, observers);
        this.groups = new GroupRegistry(this::newElection, this::isLeaseName, observers, shutdownTimeout);
        this.renewals = new RenewalBatcher(observedStore, this.scheduler, this::renewableLeases);
        this.leases = new LeaseKeeper(participant, observedStore, renewals, this.scheduler, dispatcher,
                groups::isGroup, this.metadata);
    }

    private GroupElection newElection(String group, ElectionSettings settings, Consumer<GroupElection> leave) {
        return new GroupElection(group, participant, observedStore, settings, scheduler, dispatcher, taskExecutor,
                globalListeners, renewals, metadata, observers, leave);
    }

    /** @return every group's lease and every one-off lease of this participant, for the {@link RenewalBatcher} */
    private Collection<RenewsInBatches> renewableLeases() {
        Collection<GroupElection> elections = groups.all();
        Collection<KeptLease> kept = leases.held();
        List<RenewsInBatches> all = new ArrayList<>(elections.size() + kept.size());
        elections.forEach(e -> all.add(e.steps()));
        all.addAll(kept);
        return all;
    }

    private boolean isLeaseName(String name) {
        return leases.isReserved(name);
    }

    String participant() {
        return participant;
    }

    AdvertisedMetadata metadata() {
        return metadata;
    }

    LeaseStore store() {
        return store;
    }

    GroupRegistry groups() {
        return groups;
    }

    LeaseKeeper leases() {
        return leases;
    }

    /** As {@link Baton#onChange}. */
    Registration onChange(Consumer<LeadershipChanged> listener) {
        globalListeners.add(listener);
        return () -> globalListeners.remove(listener);
    }

    /** As {@link Baton#close()}. */
    void close() {
        Optional<List<GroupElection>> closing = groups.close();
        if (closing.isEmpty()) {
            return;
        }
        List<GroupElection> all = closing.get();
        long start = System.nanoTime();
        long end = start + Timing.boundedNanos(shutdownTimeout);
        // For the closing line: who led before the releases. A loop, sorted only for that line after the releases: a
        // stream here ran as interpreted code before every release (about 0.1 ms of a graceful handover, issue 18).
        List<String> led = new ArrayList<>();
        for (GroupElection election : all) {
            if (election.isLeader()) {
                led.add(election.group());
            }
        }
        all.forEach(GroupElection::stopCompeting);
        for (GroupElection election : all) {
            election.shutdown(end, TenureEnd.SHUTDOWN);
        }
        leases.close();
        taskExecutor.shutdownNow();
        if (ownsScheduler) {
            scheduler.close();
        }
        dispatcher.drainAndClose(Math.max(end - System.nanoTime(), Duration.ofSeconds(1).toNanos()));
        if (closeStore) {
            try {
                store.close();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, LogIds.STORE_CLOSE_FAILED + ": closing the lease store failed: " + e.getMessage()
                        + "; connections may have leaked", e);
            }
        }
        // What an operator wants to know of a shutdown: what was handed back, and whether it took long.
        LOG.log(Level.INFO, LogIds.CLOSED + ": Baton of participant {0} closed in {1} ms: {2} election(s) stopped; {3}",
                participant, Long.toString((System.nanoTime() - start) / 1_000_000), Integer.toString(all.size()),
                led.isEmpty() ? "it led no group" : "it led and released " + names(led)
                        + " (a failed release is logged above; the lease then expires by its ttl)");
    }

    /** Groups named in the closing line at most: a participant of 1,000 groups would write a line of 8 KB. */
    static final int NAMED_IN_CLOSE_LINE = 20;

    /** @return the groups, sorted, the first {@link #NAMED_IN_CLOSE_LINE} by name and then how many more */
    private static String names(List<String> groups) {
        List<String> sorted = groups.stream().sorted().toList();
        if (sorted.size() <= NAMED_IN_CLOSE_LINE) {
            return String.join(", ", sorted);
        }
        return String.join(", ", sorted.subList(0, NAMED_IN_CLOSE_LINE)) + " and "
                + (sorted.size() - NAMED_IN_CLOSE_LINE) + " more";
    }
}
