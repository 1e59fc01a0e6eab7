package dev.baton.cdi.defaultgroup;

import dev.baton.LeaderElection;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Injects the default group's election, unqualified; guards nothing. */
@ApplicationScoped
public class DefaultInjectionService {

    @Inject
    LeaderElection election;

    public LeaderElection election() {
        return election;
    }
}
