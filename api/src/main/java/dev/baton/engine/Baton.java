package dev.baton.engine;

import dev.baton.ElectionSettings;
import dev.baton.GroupName;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Leases;
import dev.baton.Registration;
import dev.baton.observe.ElectionObserver;
import dev.baton.spi.HolderIds;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseStore;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
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
 * <p>One {@link Scheduler} (two pools of two daemon threads by default) serves every group and lease; listeners run on
 * one separate event thread (those threads start with the Baton, not on a first leadership's path);
 * {@link LeaderElection#runWhileLeader} tasks run on a third, cached pool. {@link #close()} stops competing, waits
 * (bounded by the shutdown timeout) for guarded work, releases every lease so others take
 * over at once, delivers the last events and closes the store.
 */
public final class Baton implements AutoCloseable {
    private final ParticipantEngine engine;
    private final ElectionSettings defaults;

    private Baton(Builder b) {
        this.defaults = b.defaults;
        this.engine = new ParticipantEngine(b.participant != null ? b.participant : defaultParticipantId(), b.metadata,
                Objects.requireNonNull(b.store, "a LeaseStore is required: Baton.builder().store(...)"),
                b.closeStore, b.scheduler, b.schedulerThreads, b.shutdownTimeout, b.observers);
    }

    /** @return a builder; only {@link Builder#store(LeaseStore)} is required */
    public static Builder builder() {
        return new Builder();
    }

    /** @return this participant's id */
    public String participant() {
        return engine.participant();
    }

    /**
     * @return the leader metadata this participant advertises with every grant ({@link Builder#metadata(Map)}):
     *     unmodifiable, sorted by key, empty when none was given
     */
    public Map<String, String> metadata() {
        return engine.metadata().own();
    }

    /** @return the store's description (never secrets) */
    public String backend() {
        return engine.store().describe();
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
        return engine.groups().join(group, settings);
    }

    /**
     * @param group a group name
     * @return the group's election if it was started and not closed
     */
    public Optional<LeaderElection> existingElection(String group) {
        return engine.groups().existing(group);
    }

    /** @return every started election not closed */
    public Collection<LeaderElection> elections() {
        return engine.groups().open();
    }

    /** @return one-off leases held by this participant */
    public Leases leases() {
        return engine.leases();
    }

    /**
     * Registers a listener for every group's role changes (see {@link LeaderElection#onChange}).
     *
     * @param listener the listener, run on Baton's event thread
     * @return a registration that removes it
     */
    public Registration onChange(Consumer<LeadershipChanged> listener) {
        return engine.onChange(listener);
    }

    /**
     * Adds an observer (metrics, tracing); it first hears of every election already running.
     *
     * @param observer the observer
     * @return a registration that removes it
     */
    public Registration observe(ElectionObserver observer) {
        Objects.requireNonNull(observer, "observer");
        return engine.groups().observe(observer);
    }

    /**
     * Graceful shutdown, bounded by the shutdown timeout: stop competing, wait for guarded work, release every
     * lease (a {@code SHUTDOWN} event per led group), deliver the last events, close the store. Idempotent.
     */
    @Override
    public void close() {
        engine.close();
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
         * @param threads threads of each of the default scheduler's two pools (2 unless set): {@code baton-lease-N}
         *     for renewals, releases and deadline checks, {@code baton-acquire-N} for the followers' acquires
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
