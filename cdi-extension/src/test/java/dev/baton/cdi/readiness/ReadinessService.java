package dev.baton.cdi.readiness;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Uses group "active", which the tests configure {@code readiness=leader-only}. */
@ApplicationScoped
public class ReadinessService {

    @Inject
    @ElectionGroup("active")
    LeaderElection active;

    public LeaderElection active() {
        return active;
    }
}
