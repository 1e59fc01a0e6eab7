package dev.baton.jaxrs;

import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.Optional;

/**
 * The filter {@link LeaderOnlyFeature} puts in front of one {@link LeaderOnly} resource method: lets the request
 * through on the leader, redirects it to the leader's {@code url} on a follower, and answers 503 while that is not
 * possible. Every answer it gives carries the {@value #LEADER_HEADER} header when a leader is known.
 */
final class LeaderOnlyFilter implements ContainerRequestFilter {
    /** The header naming the group's leader on a redirect or a 503. */
    static final String LEADER_HEADER = "Baton-Leader";

    private final String group;
    private final int retryAfterSeconds;
    private final ElectionLookup elections;
    private volatile LeaderElection election;

    LeaderOnlyFilter(String group, int retryAfterSeconds, ElectionLookup elections) {
        this.group = group;
        this.retryAfterSeconds = retryAfterSeconds;
        this.elections = elections;
    }

    @Override
    public void filter(ContainerRequestContext request) {
        LeaderElection e = election();
        if (e.isLeader()) {
            return;
        }
        Optional<LeaderInfo> leader = e.leaderInfo().filter(info -> !info.participant().equals(participantOf(e)));
        Optional<URI> url = leader.flatMap(LeaderInfo::url);
        if (url.isPresent()) {
            URI target = LeaderUris.onLeader(url.get(), request.getUriInfo().getRequestUri());
            request.abortWith(Response.temporaryRedirect(target)
                    .header(LEADER_HEADER, leader.get().participant()).build());
            return;
        }
        String why = leader.isEmpty()
                ? "No leader of group '" + e.group() + "' is known at the moment; retry shortly."
                : "The leader of group '" + e.group() + "' (" + leader.get().participant() + ") advertises no url"
                        + " (participant metadata 'url', e.g. baton.participant.metadata.url), so this follower"
                        + " cannot redirect to it.";
        Response.ResponseBuilder answer = Response.status(Response.Status.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, retryAfterSeconds)
                .type(MediaType.TEXT_PLAIN_TYPE)
                .entity(why);
        leader.ifPresent(l -> answer.header(LEADER_HEADER, l.participant()));
        request.abortWith(answer.build());
    }

    /** The election, found on the first request: CDI may not be ready when the runtime configures its providers. */
    private LeaderElection election() {
        LeaderElection e = election;
        if (e == null) {
            e = elections.election(group);
            election = e;
        }
        return e;
    }

    private static String participantOf(LeaderElection e) {
        return e.status().participant();
    }
}
