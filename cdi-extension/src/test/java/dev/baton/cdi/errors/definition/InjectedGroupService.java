package dev.baton.cdi.errors.definition;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

@ApplicationScoped
public class InjectedGroupService {
    @Inject
    @ElectionGroup("Bad Name")
    LeaderElection election;
}
