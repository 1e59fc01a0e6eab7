package dev.baton.metrics.micrometer;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Registration;
import dev.baton.Role;
import dev.baton.engine.Baton;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.TimeCounter;
import dev.baton.observe.StoreOperation;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Baton's meters in a Micrometer {@link MeterRegistry}. Bind it once: {@code new BatonMetrics(baton).bindTo(registry)}
 * (a {@link MeterBinder}, so frameworks that bind {@code MeterBinder} beans do it themselves). Groups started later
 * get their meters when they start. Nothing here touches a guarded call: gauges are read by the registry, counters
 * and timers move on role changes and store calls.
 *
 * <table>
 *   <caption>Meters (Prometheus names in brackets)</caption>
 *   <tr><th>name</th><th>type</th><th>tags</th><th>what</th></tr>
 *   <tr><td>{@code baton.leader} ({@code baton_leader})</td><td>gauge</td><td>group</td><td>1 while this participant
 *       leads, else 0</td></tr>
 *   <tr><td>{@code baton.leader.known} ({@code baton_leader_known})</td><td>gauge</td><td>group</td><td>1 while
 *       this participant knows a leader (itself or another), else 0</td></tr>
 *   <tr><td>{@code baton.fencing.token}</td><td>gauge</td><td>group</td><td>the current token while leading, else
 *       0</td></tr>
 *   <tr><td>{@code baton.transitions} ({@code baton_transitions_total})</td><td>counter</td><td>group, cause</td>
 *       <td>role changes by {@link ChangeCause}</td></tr>
 *   <tr><td>{@code baton.leading.time} ({@code baton_leading_time_seconds_total})</td><td>function counter,
 *       seconds</td><td>group</td><td>time spent leading</td></tr>
 *   <tr><td>{@code baton.leaderless.time} ({@code baton_leaderless_time_seconds_total})</td><td>function counter,
 *       seconds</td><td>group</td><td>time this participant knew of no leader (neither itself nor another)</td></tr>
 *   <tr><td>{@code baton.deadline.missed} ({@code baton_deadline_missed_total})</td><td>counter</td><td>group</td>
 *       <td>tenures ended because renewals were not confirmed before the local deadline (cause {@code EXPIRED} or
 *       {@code BACKEND_UNAVAILABLE})</td></tr>
 *   <tr><td>{@code baton.store.calls} ({@code baton_store_calls_seconds})</td><td>timer</td><td>group, operation,
 *       outcome</td><td>latency of acquire/renew/release/read calls; outcome {@code success} or {@code failure};
 *       one-off leases share group {@code one-off}</td></tr>
 *   <tr><td>{@code baton.backend.errors} ({@code baton_backend_errors_total})</td><td>counter</td><td>group,
 *       operation</td><td>store calls that failed</td></tr>
 *   <tr><td>{@code baton.groups.led}</td><td>gauge</td><td></td><td>groups this participant leads now</td></tr>
 * </table>
 */
public final class BatonMetrics implements MeterBinder, ElectionObserver {
    /** The {@code group} tag of one-off leases: their names are unbounded, so they are counted together. */
    public static final String ONE_OFF = "one-off";

    private final Baton baton;
    private final Map<String, TimeCounter> groups = new ConcurrentHashMap<>();
    private final Map<String, TimeCounter> leaderless = new ConcurrentHashMap<>();
    private volatile MeterRegistry registry;
    private Registration observing;

    /** @param baton the engine whose elections to measure */
    public BatonMetrics(Baton baton) {
        this.baton = Objects.requireNonNull(baton, "baton");
    }

    /**
     * Registers the meters and starts observing the engine.
     *
     * @param registry where the meters go
     * @throws IllegalStateException when already bound
     */
    @Override
    public synchronized void bindTo(MeterRegistry registry) {
        Objects.requireNonNull(registry, "registry");
        if (this.registry != null) {
            throw new IllegalStateException("BatonMetrics is already bound to a registry; create one per registry");
        }
        this.registry = registry;
        Gauge.builder("baton.groups.led", baton, b -> b.elections().stream().filter(LeaderElection::isLeader).count())
                .description("Groups this participant leads now")
                .register(registry);
        observing = baton.observe(this);
    }

    /** Stops observing the engine (the registry keeps the meters it has). */
    public synchronized void unbind() {
        if (observing != null) {
            observing.close();
            observing = null;
        }
    }

    @Override
    public void electionStarted(LeaderElection election) {
        MeterRegistry r = registry;
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
        Tags tags = Tags.of("group", group);
        Gauge.builder("baton.leader", election, e -> e.isLeader() ? 1 : 0).tags(tags)
                .description("1 while this participant leads the group, else 0").register(r);
        Gauge.builder("baton.leader.known", election, e -> e.leader().isPresent() ? 1 : 0).tags(tags)
                .description("1 while this participant knows the group's leader, else 0").register(r);
        Gauge.builder("baton.fencing.token", election, e -> e.fencingToken().orElse(0)).tags(tags)
                .description("The fencing token while this participant leads, else 0").register(r);
        FunctionCounter.builder("baton.leading.time", clock, c -> c.seconds(System.nanoTime())).tags(tags)
                .baseUnit("seconds").description("Time this participant spent leading the group").register(r);
        FunctionCounter.builder("baton.leaderless.time", noLeader, c -> c.seconds(System.nanoTime())).tags(tags)
                .baseUnit("seconds").description("Time this participant knew of no leader of the group").register(r);
        // Created now so that they read 0 before the first miss, instead of being absent.
        Counter.builder("baton.deadline.missed").tags(tags)
                .description("Terms ended because renewals were not confirmed before the local deadline").register(r);
    }

    @Override
    public void leadershipChanged(LeadershipChanged change) {
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Tags tags = Tags.of("group", change.group());
        Counter.builder("baton.transitions").tags(tags).tag("cause", change.cause().name())
                .description("Role changes of this participant, by cause").register(r).increment();
        TimeCounter clock = groups.get(change.group());
        if (clock != null) {
            clock.set(change.role() == Role.LEADER, System.nanoTime());
        }
        if (change.previousRole() == Role.LEADER
                && (change.cause() == ChangeCause.EXPIRED || change.cause() == ChangeCause.BACKEND_UNAVAILABLE)) {
            Counter.builder("baton.deadline.missed").tags(tags).register(r).increment();
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
        MeterRegistry r = registry;
        if (r == null) {
            return;
        }
        Tags tags = Tags.of("group", groups.containsKey(name) ? name : ONE_OFF, "operation", operation.tag());
        Timer.builder("baton.store.calls").tags(tags).tag("outcome", failure == null ? "success" : "failure")
                .description("Latency of calls to the lease store").register(r)
                .record(nanos, TimeUnit.NANOSECONDS);
        if (failure != null) {
            Counter.builder("baton.backend.errors").tags(tags).description("Store calls that failed")
                    .register(r).increment();
        }
    }
}
