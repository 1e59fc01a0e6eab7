package dev.baton.cdi.metadata;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Uses group "routes", whose leader the tests look up from every node. */
@ApplicationScoped
public class MetadataService {

    @Inject
    @ElectionGroup("routes")
    LeaderElection routes;

    public LeaderElection routes() {
        return routes;
    }
}
