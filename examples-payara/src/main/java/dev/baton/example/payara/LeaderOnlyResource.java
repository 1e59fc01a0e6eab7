package dev.baton.example.payara;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.jaxrs.LeaderOnly;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code GET /api/leader-only/whoami}: served by the leader of the {@code reports} group only. A follower answers
 * {@code 307 Temporary Redirect} to the same path on the leader's advertised url
 * ({@code baton.participant.metadata.url}, e.g. {@code BATON_PARTICIPANT_METADATA_URL=http://localhost:8081}), or
 * {@code 503} with {@code Retry-After} while no leader or no url is known; so a client that follows redirects
 * ({@code curl -L}) gets the leader's id.
 */
@Path("/api/leader-only")
@ApplicationScoped
@LeaderOnly(group = "reports")
public class LeaderOnlyResource {

    @Inject
    @ElectionGroup("reports")
    LeaderElection reports;

    /** @return the id of the participant that served the request: the leader's */
    @GET
    @Path("whoami")
    @Produces(MediaType.TEXT_PLAIN)
    public String whoami() {
        return reports.participant();
    }
}
