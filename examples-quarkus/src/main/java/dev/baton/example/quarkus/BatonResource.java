package dev.baton.example.quarkus;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.OptionalLong;

/** {@code GET /baton}: role, leader, fencing token, job runs and recent transitions of this instance. */
@Path("/baton")
@ApplicationScoped
public class BatonResource {

    @Inject
    @ElectionGroup("reports")
    LeaderElection reports;

    @Inject
    ReportJob job;

    @Inject
    LeadershipLog log;

    /** This instance's status as JSON. */
    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Status status() {
        OptionalLong token = reports.fencingToken();
        return new Status(
                reports.participant(),
                reports.group(),
                reports.isLeader() ? "LEADER" : "FOLLOWER",
                reports.leader().orElse(null),
                token.isPresent() ? token.getAsLong() : null,
                job.runs(),
                job.lastRun().orElse(null),
                log.recent().stream().map(Status.Transition::of).toList());
    }
}
