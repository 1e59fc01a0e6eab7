package dev.baton.quarkus.tests.errors.injectedgroup;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ApplicationScoped
public class InjectedGroupService {
    @Inject
    @ElectionGroup("Bad_Name")
    LeaderElection election;
}
