package dev.baton.metrics.mp;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Registration;
import dev.baton.Role;
import dev.baton.engine.Baton;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.TimeCounter;
import dev.baton.observe.StoreOperation;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.MetricUnits;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Baton's metrics in a MicroProfile Metrics 5 {@link MetricRegistry} (the application registry): the same names and
 * tags as {@code baton-micrometer}'s, so dashboards work on either. In Prometheus output (Helidon):
 * {@code baton_leader{group="reports"} 1}.
 *
 * <ul>
 *   <li>gauges {@code baton.leader}, {@code baton.leader.known}, {@code baton.fencing.token},
 *       {@code baton.leading.time} and {@code baton.leaderless.time} (seconds, cumulative) per group,
 *       {@code baton.groups.led};</li>
 *   <li>counters {@code baton.transitions} (group, cause), {@code baton.deadline.missed} (group),
 *       {@code baton.backend.errors} (group, operation);</li>
 *   <li>timer {@code baton.store.calls} (group, operation, outcome); one-off leases share group
 *       {@code one-off}.</li>
 * </ul>
 *
 * <p>Bind it once: {@code new BatonMpMetrics(baton).bindTo(registry)}; the CDI extension does it on its own when the
 * runtime offers MicroProfile Metrics and this jar is present. Guarded calls are never touched.
 */
public final class BatonMpMetrics implements ElectionObserver {
    /** The {@code group} tag of one-off leases: their names are unbounded, so they are counted together. */
    public static final String ONE_OFF = "one-off";

    private final Baton baton;
    private final Map<String, TimeCounter> groups = new ConcurrentHashMap<>();
    private final Map<String, TimeCounter> leaderless = new ConcurrentHashMap<>();
    private volatile MetricRegistry registry;
    private Registration observing;

    /** @param baton the engine whose elections to measure */
    public BatonMpMetrics(Baton baton) {
        this.baton = Objects.requireNonNull(baton, "baton");
    }

    /**
     * Registers the metrics and starts observing the engine.
     *
     * @param registry the application's registry
     * @throws IllegalStateException when already bound
     */
    public synchronized void bindTo(MetricRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (this.registry != null) {
            throw new IllegalStateException("BatonMpMetrics is already bound to a registry; create one per registry");
        }
        this.registry = registry;
        registry.gauge(meta("baton.groups.led", "Groups this participant leads now", MetricUnits.NONE), baton,
                b -> b.elections().stream().filter(LeaderElection::isLeader).count());
        observing = baton.observe(this);
    }

    /** Stops observing the engine (the registry keeps the metrics it has). */
    public synchronized void unbind() {
        if (observing != null) {
            observing.close();
            observing = null;
        }
    }

    private static Metadata meta(String name, String description, String unit) {
        return Metadata.builder().withName(name).withDescription(description).withUnit(unit).build();
    }

    @Override
    public void electionStarted(LeaderElection election) {
        MetricRegistry r = registry;
        String group = election.group();
        if (r == null || groups.putIfAbsent(group, new TimeCounter()) != null) {
            return;
        }
        TimeCounter clock = groups.get(group);
        if (election.isLeader()) {
            clock.started(System.nanoTime());
        }
        // Made before the state is read: a change reported in between is then counted, never lost.
        TimeCounter noLeader = leaderless.computeIfAbsent(group, g -> new TimeCounter());
        if (election.leader().isEmpty()) {
            noLeader.started(System.nanoTime());
        }
        Tag tag = new Tag("group", group);
        r.gauge(meta("baton.leader", "1 while this participant leads the group, else 0", MetricUnits.NONE),
                election, e -> e.isLeader() ? 1 : 0, tag);
        r.gauge(meta("baton.leader.known", "1 while this participant knows the group's leader, else 0",
                MetricUnits.NONE), election, e -> e.leader().isPresent() ? 1 : 0, tag);
        r.gauge(meta("baton.fencing.token", "The fencing token while this participant leads, else 0",
                MetricUnits.NONE), election, e -> e.fencingToken().orElse(0), tag);
        r.gauge(meta("baton.leading.time", "Time this participant spent leading the group", MetricUnits.SECONDS),
                clock, c -> c.seconds(System.nanoTime()), tag);
        r.gauge(meta("baton.leaderless.time", "Time this participant knew of no leader of the group",
                MetricUnits.SECONDS), noLeader, c -> c.seconds(System.nanoTime()), tag);
        // Created now so that it reads 0 before the first miss, instead of being absent.
        r.counter(meta("baton.deadline.missed", "Terms ended because renewals were not confirmed before the local"
                + " deadline", MetricUnits.NONE), tag);
    }

    @Override
    public void leadershipChanged(LeadershipChanged change) {
        MetricRegistry r = registry;
        if (r == null) {
            return;
        }
        Tag group = new Tag("group", change.group());
        r.counter(meta("baton.transitions", "Role changes of this participant, by cause", MetricUnits.NONE), group,
                new Tag("cause", change.cause().name())).inc();
        TimeCounter clock = groups.get(change.group());
        if (clock != null) {
            clock.set(change.role() == Role.LEADER, System.nanoTime());
        }
        if (change.previousRole() == Role.LEADER
                && (change.cause() == ChangeCause.EXPIRED || change.cause() == ChangeCause.BACKEND_UNAVAILABLE)) {
            r.counter("baton.deadline.missed", group).inc();
        }
    }

    @Override
    public void leaderSeen(String group, Optional<String> leader) {
        TimeCounter noLeader = leaderless.get(group);
        if (noLeader != null) {
            noLeader.set(leader.isEmpty(), System.nanoTime());
        }
    }

    @Override
    public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
        MetricRegistry r = registry;
        if (r == null) {
            return;
        }
        Tag group = new Tag("group", groups.containsKey(name) ? name : ONE_OFF);
        Tag op = new Tag("operation", operation.tag());
        r.timer(meta("baton.store.calls", "Latency of calls to the lease store", MetricUnits.NANOSECONDS), group, op,
                new Tag("outcome", failure == null ? "success" : "failure")).update(Duration.ofNanos(nanos));
        if (failure != null) {
            r.counter(meta("baton.backend.errors", "Store calls that failed", MetricUnits.NONE), group, op).inc();
        }
    }
}
