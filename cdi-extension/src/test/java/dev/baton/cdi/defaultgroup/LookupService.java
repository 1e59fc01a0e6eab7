package dev.baton.cdi.defaultgroup;

import dev.baton.LeaderElection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

/** Looks the default group's election up only when asked to. */
@ApplicationScoped
public class LookupService {

    @Inject
    Instance<LeaderElection> elections;

    public LeaderElection lookup() {
        return elections.get();
    }
}
