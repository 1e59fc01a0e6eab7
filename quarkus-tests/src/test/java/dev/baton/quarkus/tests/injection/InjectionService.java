package dev.baton.quarkus.tests.injection;

import dev.baton.LeaderElection;
import dev.baton.Leases;
import dev.baton.cdi.ElectionGroup;
import dev.baton.engine.Baton;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Readiness;

/** Injects everything the extension offers, and the application's readiness checks. */
@ApplicationScoped
public class InjectionService {
    public static final String REPORTS = "reports";

    @Inject
    LeaderElection defaultElection;

    @Inject
    @ElectionGroup(REPORTS)
    LeaderElection reports;

    @Inject
    @Any
    Instance<LeaderElection> elections;

    @Inject
    Leases leases;

    @Inject
    Baton baton;

    @Inject
    @Readiness
    Instance<HealthCheck> readinessChecks;

    public LeaderElection defaultElection() {
        return defaultElection;
    }

    public LeaderElection reports() {
        return reports;
    }

    public LeaderElection lookup(String group) {
        return elections.select(ElectionGroup.Literal.of(group)).get();
    }

    public Leases leases() {
        return leases;
    }

    public Baton baton() {
        return baton;
    }

    public List<HealthCheck> readinessChecks() {
        return readinessChecks.stream().toList();
    }
}
