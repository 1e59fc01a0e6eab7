package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.GroupName;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Leases;
import dev.baton.Registration;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.FlightRecorderObserver;
import dev.baton.spi.HolderIds;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseStore;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * The election engine for one participant, usable from plain Java. The CDI extension builds one per application;
 * without CDI:
 *
 * <pre>{@code
 * try (Baton baton = Baton.builder().store(store).build()) {
 *     LeaderElection reports = baton.election("reports");
 *     if (reports.isLeader()) { ... }
 * }
 * }</pre>
 *
 * <p>One {@link Scheduler} (two daemon threads by default) serves every group and lease; listeners run on one
 * separate event thread; {@link LeaderElection#runWhileLeader} tasks run on a third, cached pool. {@link #close()}
 * stops competing, waits (bounded by the shutdown timeout) for guarded work, releases every lease so others take
 * over at once, delivers the last events and closes the store.
 */
public final class Baton implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Baton.class.getName());

    private final String participant;
    private final AdvertisedMetadata metadata;
    private final LeaseStore store;
    /** The store as elections and leases call it: timed and reported to the observers. */
    private final LeaseStore observedStore;
    private final Observers observers = new Observers();
    private final boolean closeStore;
    private final ElectionSettings defaults;
    private final Scheduler scheduler;
    private final boolean ownsScheduler;
    private final Duration shutdownTimeout;
    private final EventDispatcher dispatcher = new EventDispatcher();
    private final ExecutorService taskExecutor =
            Executors.newCachedThreadPool(ThreadPoolScheduler.daemonThreads("baton-task-"));
    private final List<Consumer<LeadershipChanged>> globalListeners = new CopyOnWriteArrayList<>();
    private final Map<String, GroupElection> elections = new ConcurrentHashMap<>();
    private final LeaseKeeper leases;
    private final RenewalBatcher renewals;
    private volatile boolean closed;

    private Baton(Builder b) {
        this.participant = b.participant != null ? b.participant : defaultParticipantId();
        this.metadata = new AdvertisedMetadata(b.metadata);
        this.store = Objects.requireNonNull(b.store, "a LeaseStore is required: Baton.builder().store(...)");
        this.closeStore = b.closeStore;
        this.defaults = b.defaults;
        this.ownsScheduler = b.scheduler == null;
        this.scheduler = b.scheduler != null ? b.scheduler : new ThreadPoolScheduler(b.schedulerThreads);
        this.shutdownTimeout = b.shutdownTimeout;
        observers.add(FlightRecorderObserver.get());
        b.observers.forEach(observers::add);
        globalListeners.add(observers::leadershipChanged);
        this.observedStore = new ObservedStore(store, observers);
        this.leases = new LeaseKeeper(participant, observedStore, scheduler, dispatcher, elections::containsKey,
                metadata);
        this.renewals = new RenewalBatcher(observedStore, scheduler, elections::values);
    }

    /** @return a builder; only {@link Builder#store(LeaseStore)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this participant's id */
    public String participant() {
        return participant;
    }

    /**
     * @return the leader metadata this participant advertises with every grant ({@link Builder#metadata(Map)}):
     *     unmodifiable, sorted by key, empty when none was given
     */
    public Map<String, String> metadata() {
        return metadata.own();
    }

    /** @return the store's description (never secrets) */
    public String backend() {
        return store.describe();
    }

    /**
     * Starts (or returns) the election of a group with the default settings.
     *
     * @param group a valid group name
     * @return the group's election, competing from now on
     */
    public LeaderElection election(String group) {
        return election(group, defaults);
    }

    /**
     * Starts the election of a group; asking again for the same group with the same settings returns the same
     * election. Asking for a group whose election was closed ({@link LeaderElection#close()}) starts a new one, once
     * the closed one has released its lease.
     *
     * @param group a valid group name ({@link GroupName#PATTERN})
     * @param settings the group's timing
     * @return the group's election, competing from now on
     * @throws IllegalArgumentException when the name is invalid or names a one-off lease this participant holds
     * @throws IllegalStateException when the group already runs with other settings, or Baton is closed
     */
    public LeaderElection election(String group, ElectionSettings settings) {
        GroupName.requireValid(group);
        Objects.requireNonNull(settings, "settings");
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
        GroupElection election = new GroupElection(group, participant, observedStore, settings, scheduler,
                dispatcher, taskExecutor, globalListeners, renewals, metadata, observers, this::leave);
        // Put first, then look for a one-off lease of that name: LeaseKeeper reserves first, then looks for a
        // group, so of two racing calls at least one sees the other.
        elections.put(group, election);
        if (leases.isReserved(group)) {
            elections.remove(group);
            throw new IllegalArgumentException("'" + group + "' is the name of a one-off lease this participant"
                    + " holds; lease names and group names share one namespace, choose another group name");
        }
        election.start();
        observers.electionStarted(election);
        return election;
    }

    /**
     * Leaves a group ({@link LeaderElection#close()}): ends and releases its term like a shutdown of this group alone,
     * then frees its name, only once the release has returned.
     */
    private void leave(GroupElection election) {
        election.shutdown(System.nanoTime() + Timing.boundedNanos(shutdownTimeout), TermEnd.LEAVE);
        synchronized (elections) {
            elections.remove(election.group(), election);
        }
    }

    /**
     * @param group a group name
     * @return the group's election if it was started and not closed
     */
    public Optional<LeaderElection> existingElection(String group) {
        GroupElection election = elections.get(group);
        return election == null || election.closed() ? Optional.empty() : Optional.of(election);
    }

    /** @return every started election not closed */
    public Collection<LeaderElection> elections() {
        return elections.values().stream().filter(e -> !e.closed()).map(LeaderElection.class::cast).toList();
    }

    /** @return one-off leases held by this participant */
    public Leases leases() {
        return leases;
    }

    /**
     * Registers a listener for every group's role changes (see {@link LeaderElection#onChange}).
     *
     * @param listener the listener, run on Baton's event thread
     * @return a registration that removes it
     */
    public Registration onChange(Consumer<LeadershipChanged> listener) {
        globalListeners.add(listener);
        return () -> globalListeners.remove(listener);
    }

    /**
     * Adds an observer (metrics, tracing); it first hears of every election already running.
     *
     * @param observer the observer
     * @return a registration that removes it
     */
    public Registration observe(ElectionObserver observer) {
        Objects.requireNonNull(observer, "observer");
        synchronized (elections) {
            Registration r = observers.add(observer);
            elections.values().forEach(observer::electionStarted);
            return r;
        }
    }

    /**
     * Graceful shutdown, bounded by the shutdown timeout: stop competing, wait for guarded work, release every
     * lease (a {@code SHUTDOWN} event per led group), deliver the last events, close the store. Idempotent.
     */
    @Override
    public void close() {
        List<GroupElection> all;
        synchronized (elections) {
            if (closed) {
                return;
            }
            closed = true;
            all = new ArrayList<>(elections.values());
        }
        long start = System.nanoTime();
        long end = start + Timing.boundedNanos(shutdownTimeout);
        List<String> led = all.stream().filter(GroupElection::isLeader).map(GroupElection::group).sorted().toList();
        all.forEach(GroupElection::stopCompeting);
        for (GroupElection election : all) {
            election.shutdown(end, TermEnd.SHUTDOWN);
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
        LOG.log(Level.INFO, LogIds.CLOSED + ": Baton of participant {0} closed in {1} ms: {2} election(s) stopped; {3}", participant,
                (System.nanoTime() - start) / 1_000_000, all.size(), led.isEmpty() ? "it led no group"
                        : "it led and released " + String.join(", ", led)
                                + " (a failed release is logged above; the lease then expires by its ttl)");
    }

    /** @return a participant id of the form {@code host-pid-random}, unique per process start */
    public static String defaultParticipantId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            host = "unknown-host";
        }
        return host + "-" + ProcessHandle.current().pid() + "-"
                + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100000, 0xFFFFFF));
    }

    /** Builds a {@link Baton}. */
    public static final class Builder {
        private LeaseStore store;
        private final List<ElectionObserver> observers = new ArrayList<>();
        private String participant;
        private Map<String, String> metadata = LeaderMetadata.requireValid(Map.of());
        private ElectionSettings defaults = ElectionSettings.DEFAULTS;
        private Scheduler scheduler;
        private int schedulerThreads = 2;
        private Duration shutdownTimeout = Duration.ofSeconds(10);
        private boolean closeStore = true;

        private Builder() {}

        /**
         * @param store the backend; closed by {@link Baton#close()} unless {@link #closeStore(boolean)} says not
         * @return this builder
         */
        public Builder store(LeaseStore store) {
            this.store = Objects.requireNonNull(store, "store");
            return this;
        }

        /**
         * @param participant this participant's id, unique in the cluster; default {@link #defaultParticipantId()}
         * @return this builder
         * @throws IllegalArgumentException when it breaks the holder-id rule ({@link HolderIds})
         */
        public Builder participant(String participant) {
            this.participant = HolderIds.requireValid(participant);
            return this;
        }

        /**
         * The leader metadata this participant advertises: stored with each of its grants (groups and one-off leases)
         * in the same operation, shown to followers by {@link LeaderElection#leaderInfo()} and in
         * {@link LeadershipChanged#leaderMetadata()}. Typical keys: {@code url} (where followers send requests meant
         * for the leader), {@code version}, {@code zone}. Rules ({@link LeaderMetadata}): at most 16 entries, keys
         * matching {@code [a-z][a-z0-9_.-]{0,62}} and not starting with {@code baton.}, values of at most 512
         * characters (well-formed UTF-16, no NUL), at most 1024 bytes in UTF-8 together. On a backend that keeps no
         * metadata, elections run without it and one warning ({@code BATON-ENG-0016}) says so.
         *
         * @param metadata the entries; empty (the default) advertises nothing
         * @return this builder
         * @throws IllegalArgumentException naming each entry that breaks a rule, the rule and the limit
         */
        public Builder metadata(Map<String, String> metadata) {
            this.metadata = LeaderMetadata.requireValid(metadata);
            return this;
        }

        /**
         * @param defaults the settings used by {@link Baton#election(String)}
         * @return this builder
         */
        public Builder defaults(ElectionSettings defaults) {
            this.defaults = Objects.requireNonNull(defaults, "defaults");
            return this;
        }

        /**
         * @param scheduler the time source and timer, e.g. a {@link ManualScheduler} in tests; not closed by Baton
         * @return this builder
         */
        public Builder scheduler(Scheduler scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
            return this;
        }

        /**
         * @param threads threads of the default scheduler (2 unless set)
         * @return this builder
         */
        public Builder schedulerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("scheduler threads must be at least 1, got " + threads);
            }
            this.schedulerThreads = threads;
            return this;
        }

        /**
         * @param timeout the bound on {@link Baton#close()} (10 s unless set)
         * @return this builder
         */
        public Builder shutdownTimeout(Duration timeout) {
            if (timeout == null || timeout.isNegative()) {
                throw new IllegalArgumentException("shutdown timeout must be zero or positive, got " + timeout);
            }
            this.shutdownTimeout = timeout;
            return this;
        }

        /**
         * @param closeStore whether {@link Baton#close()} closes the store (true unless set)
         * @return this builder
         */
        public Builder closeStore(boolean closeStore) {
            this.closeStore = closeStore;
            return this;
        }

        /**
         * @param observer receives every store call and role change (metrics, tracing); may be called several times
         * @return this builder
         */
        public Builder observer(ElectionObserver observer) {
            observers.add(Objects.requireNonNull(observer, "observer"));
            return this;
        }

        /** @return a running Baton */
        public Baton build() {
            return new Baton(this);
        }
    }
}
