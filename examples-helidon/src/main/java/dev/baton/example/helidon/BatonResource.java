package dev.baton.example.helidon;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import java.time.Instant;
import java.util.OptionalLong;

/**
 * {@code GET /baton}: role, leader, fencing token, job runs and recent transitions of this instance, as JSON, or as an
 * HTML page with a timeline for a browser.
 */
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

    /** This instance's status as JSON: what clients and the tests read, chosen when a client accepts anything. */
    @GET
    @Produces("application/json;qs=1")
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

    /** The same status as an HTML page, for a browser (which asks for {@code text/html} first). */
    @GET
    @Produces("text/html;qs=0.9")
    public String page() {
        return StatusPage.render(status(), Instant.now());
    }
}
