package dev.baton.cdi.injection;

import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.Leases;
import dev.baton.cdi.ElectionGroup;
import dev.baton.engine.Baton;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Any;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Injects everything the extension offers; also guards one method of group "jobs". */
@ApplicationScoped
public class InjectionService {

    @Inject
    LeaderElection defaultElection;

    @Inject
    @ElectionGroup("reports")
    LeaderElection reports;

    @Inject
    @Any
    Instance<LeaderElection> elections;

    @Inject
    Leases leases;

    @Inject
    Baton baton;

    @Leader("jobs")
    public void job() {}

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
}
