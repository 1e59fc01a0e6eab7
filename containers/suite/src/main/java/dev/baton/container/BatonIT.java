package dev.baton.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Leases;
import dev.baton.NotLeaderException;
import dev.baton.Role;
import dev.baton.cdi.BatonReadinessCheck;
import dev.baton.cdi.BatonRuntime;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.LeaderInterceptor;
import dev.baton.engine.Baton;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.InterceptionType;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The happy path, inside the container, on one deployment: every test below runs in the deployed WAR (Arquillian
 * enriches the test instance with CDI injection there). The groups are independent: each test provokes changes only
 * in its own group, so the order of the tests does not matter.
 */
@ExtendWith(ArquillianExtension.class)
public class BatonIT {

    /** Set to {@code false} by a container module without an EJB container (Weld embedded). */
    static final String EJB_PROPERTY = "baton.container.ejb";

    @Deployment
    public static WebArchive deployment() {
        return Deployments.war("baton-containers.war",
                BatonIT.class, Deployments.class, Outsider.class,
                GuardedService.class, ScheduledJob.class, JobRuns.class, EventLog.class);
    }

    @Inject
    BeanManager beanManager;

    @Inject
    GuardedService service;

    @Inject
    JobRuns jobRuns;

    @Inject
    EventLog eventLog;

    @Inject
    @ElectionGroup(GuardedService.GROUP)
    LeaderElection calls;

    @Inject
    @ElectionGroup(ScheduledJob.GROUP)
    LeaderElection jobs;

    @Inject
    @ElectionGroup(EventLog.GROUP)
    LeaderElection events;

    @Inject
    @Readiness
    Instance<HealthCheck> readinessChecks;

    @Inject
    Baton baton;

    @Inject
    Leases leases;

    @Test
    void theExtensionRegistersBatonsBeansOnceAlthoughBatonsJarsHaveNoBeansXml() throws Exception {
        // Deployments refused to build the WAR if a Baton jar had a beans.xml: these beans come from the extension.
        List<Class<?>> runtimes = beanManager.getBeans(BatonRuntime.class).stream().<Class<?>>map(Bean::getBeanClass)
                .toList();
        assertEquals(List.of(BatonRuntime.class), runtimes, "exactly one runtime bean (not scanned twice)");

        assertTrue(beanManager.isInterceptorBinding(Leader.class), "@Leader is an interceptor binding");
        Leader binding = GuardedService.class.getMethod("work").getAnnotation(Leader.class);
        for (InterceptionType type : List.of(InterceptionType.AROUND_INVOKE, InterceptionType.AROUND_TIMEOUT)) {
            List<Class<?>> interceptors = beanManager.resolveInterceptors(type, binding).stream()
                    .<Class<?>>map(Bean::getBeanClass).toList();
            assertEquals(List.of(LeaderInterceptor.class), interceptors, type + " interceptors of @Leader");
        }

        long checks = beanManager.getBeans(HealthCheck.class, Readiness.Literal.INSTANCE).stream()
                .filter(b -> b.getBeanClass() == BatonReadinessCheck.class)
                .count();
        assertEquals(1, checks, "exactly one Baton readiness check bean");

        // The produced beans work: elections, the engine and one-off leases.
        assertEquals(GuardedService.GROUP, calls.group());
        try (HeldLease lease = leases.tryAcquire("one-off", Duration.ofSeconds(5)).orElseThrow()) {
            assertTrue(lease.isValid());
            assertTrue(lease.fencingToken() > 0);
        }
    }

    @Test
    void leaderGuardsCdiBeanMethods() {
        Waits.until(calls::isLeader, "the application to lead '" + GuardedService.GROUP + "'");
        long before = service.runs();
        service.work();
        assertEquals(Optional.of("value"), service.value());
        assertEquals("led", service.mustLead());
        assertEquals(before + 3, service.runs(), "every guarded body ran on the leader");

        try (Outsider outsider = new Outsider()) {
            LeaderElection theirs = outsider.takeOver(calls);
            assertFalse(calls.isLeader());
            long skipped = service.runs();
            service.work();
            assertEquals(Optional.empty(), service.value(), "Optional on a follower");
            NotLeaderException e = assertThrows(NotLeaderException.class, service::mustLead, "onFollower=THROW");
            assertEquals(GuardedService.GROUP, e.group());
            assertTrue(theirs.isLeader(), "the outsider lost the lease it renews: " + theirs.status());
            assertEquals(skipped, service.runs(), "a guarded body ran on a follower");
        }

        Waits.until(calls::isLeader, "the application to lead again once the outsider released");
        long again = service.runs();
        service.work();
        assertEquals(again + 1, service.runs(), "the guarded body runs on the leader again");
    }

    @Test
    @DisabledIfSystemProperty(named = EJB_PROPERTY, matches = "false", disabledReason = "no EJB container here")
    void leaderGuardsEjbTimers() {
        Waits.until(jobs::isLeader, "the application to lead '" + ScheduledJob.GROUP + "'");
        long before = jobRuns.guardedRuns();
        Waits.until(() -> jobRuns.guardedRuns() > before, "the guarded timer to run on the leader");

        try (Outsider outsider = new Outsider()) {
            LeaderElection theirs = outsider.takeOver(jobs);
            // A run that entered just before the step-down may still be counting.
            Waits.sleep(Duration.ofMillis(300));
            long frozen = jobRuns.guardedRuns();
            long ticks = jobRuns.ticks();
            Waits.until(() -> jobRuns.ticks() >= ticks + 2, "the unguarded timer to fire twice more");
            assertTrue(theirs.isLeader(), "the outsider lost the lease it renews: " + theirs.status());
            assertEquals(frozen, jobRuns.guardedRuns(), "the guarded timer ran on a follower");
        }

        Waits.until(jobs::isLeader, "the application to lead again once the outsider released");
        long after = jobRuns.guardedRuns();
        Waits.until(() -> jobRuns.guardedRuns() > after, "the guarded timer to run again on the leader");
    }

    @Test
    void observersSeeEveryChangeInOrderWithCauseAndToken() {
        String group = EventLog.GROUP;
        Waits.until(events::isLeader, "the application to lead '" + group + "'");
        Waits.until(() -> !eventLog.sync(group).isEmpty() && !eventLog.async(group).isEmpty(),
                "the first ACQUIRED at both observers");
        try (Outsider outsider = new Outsider()) {
            outsider.takeOver(events);
        }
        Waits.until(events::isLeader, "the application to lead again once the outsider released");
        Waits.until(() -> eventLog.sync(group).size() >= 3 && eventLog.async(group).size() >= 3,
                "three events at both observers");

        List<LeadershipChanged> sync = eventLog.sync(group).subList(0, 3);
        List<LeadershipChanged> async = eventLog.async(group).subList(0, 3);
        for (List<LeadershipChanged> seen : List.of(sync, async)) {
            assertEquals(List.of(ChangeCause.ACQUIRED, ChangeCause.RELEASED, ChangeCause.ACQUIRED),
                    seen.stream().map(LeadershipChanged::cause).toList(), seen.toString());
            LeadershipChanged first = seen.get(0);
            LeadershipChanged released = seen.get(1);
            LeadershipChanged again = seen.get(2);
            for (LeadershipChanged e : seen) {
                assertEquals(Deployments.PARTICIPANT, e.participant(), e.toString());
                assertTrue(e.fencingToken().isPresent(), e.toString());
            }
            assertTrue(first.acquired() && first.role() == Role.LEADER, first.toString());
            assertEquals(Optional.of(Deployments.PARTICIPANT), first.leader());
            assertTrue(released.lost() && released.role() == Role.FOLLOWER, released.toString());
            assertEquals(first.fencingToken(), released.fencingToken(), "RELEASED ends the tenure ACQUIRED started");
            assertTrue(again.acquired(), again.toString());
            // The outsider's tenure came in between: the token grew at least twice.
            assertTrue(again.fencingToken().getAsLong() >= first.fencingToken().getAsLong() + 2, seen.toString());
        }
        assertEquals(sync, async, "both observers see the same events in the same order");
        assertEquals(events.fencingToken(), sync.get(2).fencingToken(), "the last ACQUIRED carries the current token");
    }

    @Test
    void readinessCheckBatonReportsEveryGroup() {
        Waits.until(calls::isLeader, "the application to lead '" + GuardedService.GROUP + "'");
        List<HealthCheckResponse> responses = new ArrayList<>();
        readinessChecks.forEach(c -> responses.add(c.call()));
        HealthCheckResponse response = responses.stream()
                .filter(r -> r.getName().equals(BatonReadinessCheck.NAME))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no readiness check 'baton' among " + responses.stream()
                        .map(HealthCheckResponse::getName).toList()));
        Map<String, Object> data = response.getData().orElseThrow();
        assertEquals(HealthCheckResponse.Status.UP, response.getStatus(), data.toString());
        assertEquals(Deployments.PARTICIPANT, data.get("participant"), data.toString());
        assertTrue(String.valueOf(data.get("backend")).contains("'" + Deployments.NAMESPACE + "'"), data.toString());
        for (String group : List.of(GuardedService.GROUP, ScheduledJob.GROUP, EventLog.GROUP)) {
            assertTrue(data.containsKey(group + ".role"), group + " is reported: " + data);
        }
        assertEquals("leader", data.get(GuardedService.GROUP + ".role"), data.toString());
        assertEquals(Deployments.PARTICIPANT, data.get(GuardedService.GROUP + ".leader"), data.toString());
        assertEquals(String.valueOf(calls.fencingToken().orElseThrow()),
                String.valueOf(data.get(GuardedService.GROUP + ".token")), data.toString());
    }

    @Test
    void configurationComesFromTheWarsMicroProfileConfigProperties() {
        // Both differ from the defaults (host-pid-random, namespace 'default').
        assertEquals(Deployments.PARTICIPANT, baton.participant());
        assertEquals(Deployments.PARTICIPANT, calls.participant());
        assertTrue(baton.backend().contains("'" + Deployments.NAMESPACE + "'"), baton.backend());
    }
}
