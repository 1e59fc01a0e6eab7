package dev.baton.cdi;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Leases;
import dev.baton.engine.Baton;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.BeforeDestroyed;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.inject.Inject;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The application's one {@link Baton}: created eagerly when the application scope starts (so configuration is
 * never first read on a health-check or timer thread), closed gracefully just before the application scope ends.
 * It also produces the injectable {@link LeaderElection}s, {@link Leases} and {@link Baton}.
 *
 * <p>Container-managed; applications inject {@link LeaderElection} or {@link Leases} rather than this class.
 */
@ApplicationScoped
public class BatonRuntime {
    private static final System.Logger LOG = System.getLogger(BatonRuntime.class.getName());

    /** What exists between start and close. */
    private record Running(Baton baton, Deployment deployment, LeadershipEvents events) {}

    @Inject
    DeploymentSource deployments;

    @Inject
    Event<LeadershipChanged> changes;

    @Inject
    Instance<Object> beans;

    private final Object lock = new Object();
    private volatile Running running;
    private boolean closed;

    /** For the container. */
    protected BatonRuntime() {}

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        running();
    }

    void onStop(@Observes @BeforeDestroyed(ApplicationScoped.class) Object ignored) {
        close();
    }

    @PreDestroy
    void destroy() {
        close();
    }

    private Running running() {
        Running r = running;
        if (r != null) {
            return r;
        }
        synchronized (lock) {
            if (running != null) {
                return running;
            }
            if (closed) {
                throw new IllegalStateException("Baton has been shut down with the application");
            }
            Deployment d = deployments.take();
            BatonConfig c = d.config();
            Baton baton = Baton.builder()
                    .store(d.store())
                    .participant(c.participant())
                    .metadata(c.metadata())
                    .defaults(c.defaults())
                    .schedulerThreads(c.schedulerThreads())
                    .shutdownTimeout(c.shutdownTimeout())
                    .build();
            LeadershipEvents events = new LeadershipEvents(changes);
            // Registered before any election starts, so that the first ACQUIRED is announced too.
            baton.onChange(events);
            // Also before: the first transitions are counted.
            MetricsBinding.bind(baton, beans);
            for (String group : new TreeSet<>(d.groups())) {
                baton.election(group, c.settingsFor(group));
            }
            running = new Running(baton, d, events);
            LOG.log(Level.INFO, startupLine(baton, d));
            return running;
        }
    }

    private static String startupLine(Baton baton, Deployment d) {
        BatonConfig c = d.config();
        String groups = new TreeSet<>(d.groups()).stream().map(g -> {
            ElectionSettings s = c.settingsFor(g);
            String timing = " (ttl " + ConfigBinder.human(s.ttl()) + ", renew " + ConfigBinder.human(s.renewInterval())
                    + (c.leaderOnlyGroups().contains(g) ? ", ready only as leader" : "") + ")";
            return g + timing;
        }).collect(Collectors.joining(", "));
        return Messages.STARTED + ": Baton started: backend " + baton.backend()
                + (d.factory().singleHost() ? " [single host only: participants on other hosts are not coordinated]"
                        : "")
                + "; participant " + baton.participant()
                + (c.metadata().isEmpty() ? "" : " (metadata keys: " + String.join(", ", c.metadata().keySet()) + ")")
                + "; default group '" + c.defaultGroup() + "'"
                + (d.groups().contains(c.defaultGroup()) ? "" : " (not started: nothing uses it yet)")
                + "; groups " + (groups.isEmpty() ? "none" : groups);
    }

    /** Graceful, bounded shutdown: waits for guarded calls, releases every lease, delivers the last events. */
    void close() {
        Running r;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            r = running;
        }
        if (r == null) {
            return;
        }
        long start = System.nanoTime();
        r.baton().close();
        Duration left = r.deployment().config().shutdownTimeout().minusNanos(System.nanoTime() - start);
        r.events().awaitAsync(left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left);
        LOG.log(Level.INFO, Messages.STOPPED + ": Baton stopped: participant " + r.baton().participant()
                + " released its leases");
    }

    /**
     * @param group a valid group name
     * @return the group's election, started now if no annotation or injection point named it at deployment
     */
    LeaderElection election(String group) {
        Running r = running();
        return r.baton().existingElection(group)
                .orElseGet(() -> r.baton().election(group, r.deployment().config().settingsFor(group)));
    }

    /**
     * @param method an intercepted method
     * @param target the intercepted instance
     * @return how to guard it
     */
    GuardedMethod guardedMethod(Method method, Object target) {
        return running().deployment().methods().find(method, target);
    }

    /** @return whether elections run: false once shut down (starts them if nothing has yet) */
    boolean isRunning() {
        synchronized (lock) {
            if (closed) {
                return false;
            }
        }
        return running() != null;
    }

    /** @return this participant's id */
    String participant() {
        return running().baton().participant();
    }

    /** @return every election, sorted by group */
    List<LeaderElection> elections() {
        Running r = running();
        return r.baton().elections().stream()
                .sorted(java.util.Comparator.comparing(LeaderElection::group))
                .toList();
    }

    /** @return groups configured to be ready only while leading */
    Set<String> leaderOnlyGroups() {
        return running().deployment().config().leaderOnlyGroups();
    }

    /** @return the backend's description */
    String backend() {
        return running().baton().backend();
    }

    /**
     * @return the election of the default group ({@code baton.group}), started now when nothing started it with the
     *     application (a dynamic {@code Instance<LeaderElection>} lookup)
     */
    @Produces
    @Default
    @Dependent
    LeaderElection defaultElection() {
        return election(running().deployment().config().defaultGroup());
    }

    /**
     * @param injectionPoint where the election is injected; its {@link ElectionGroup} names the group
     * @return the named group's election
     */
    @Produces
    @ElectionGroup("")
    @Dependent
    LeaderElection namedElection(InjectionPoint injectionPoint) {
        String group = injectionPoint.getQualifiers().stream()
                .filter(ElectionGroup.class::isInstance)
                .map(q -> ((ElectionGroup) q).value())
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no @ElectionGroup at " + injectionPoint));
        return election(dev.baton.GroupName.requireValid(group));
    }

    /** @return one-off leases of this participant */
    @Produces
    @Dependent
    Leases leases() {
        return running().baton().leases();
    }

    /**
     * @return the engine, for advanced use (every election, global listeners); the application must not close it,
     *     Baton closes it with the application
     */
    @Produces
    @Dependent
    Baton baton() {
        return running().baton();
    }
}
