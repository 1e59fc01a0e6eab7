package dev.baton.jaxrs;

import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import java.net.URI;
import java.util.Objects;
import java.util.Optional;

/**
 * Builds URIs on the current leader from its advertised {@code url} (participant metadata), for clients and for
 * services that forward requests themselves.
 *
 * <pre>{@code
 * Optional<URI> target = LeaderUris.resolve(election, "/orders/42?full=true");
 * }</pre>
 *
 * <p>A path is appended to the {@code url}'s own path, so {@code url = http://10.0.0.2:8080/shop} and
 * {@code /orders/42} give {@code http://10.0.0.2:8080/shop/orders/42}. Paths and queries are taken as already
 * encoded (raw), exactly as they appear in a request URI.
 */
public final class LeaderUris {

    private LeaderUris() {}

    /**
     * @param election the group's election
     * @param pathAndQuery an encoded path starting with {@code /}, optionally followed by {@code ?query}
     * @return the URI on the leader; empty while no leader is known or it advertises no absolute {@code url}
     * @throws IllegalArgumentException when {@code pathAndQuery} does not start with {@code /} or is not a valid
     *     URI path and query
     */
    public static Optional<URI> resolve(LeaderElection election, String pathAndQuery) {
        Objects.requireNonNull(election, "election");
        Objects.requireNonNull(pathAndQuery, "pathAndQuery");
        if (!pathAndQuery.startsWith("/")) {
            throw new IllegalArgumentException("pathAndQuery must start with '/': '" + pathAndQuery + "'");
        }
        URI relative;
        try {
            relative = new URI(pathAndQuery);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalArgumentException("pathAndQuery is not a valid (encoded) URI path and query: '"
                    + pathAndQuery + "' (" + e.getReason() + ")", e);
        }
        return election.leaderInfo().flatMap(LeaderInfo::url).map(url -> onLeader(url, relative));
    }

    /**
     * @param leaderUrl the leader's absolute {@code url}
     * @param request a request URI (absolute or a path); only its raw path and query are used
     * @return the same path and query on the leader, below the {@code url}'s own path
     */
    static URI onLeader(URI leaderUrl, URI request) {
        String base = leaderUrl.getRawPath() == null ? "" : leaderUrl.getRawPath();
        if (base.endsWith("/")) {
            base = base.substring(0, base.length() - 1);
        }
        String path = request.getRawPath() == null || request.getRawPath().isEmpty() ? "/" : request.getRawPath();
        String query = request.getRawQuery() == null ? "" : "?" + request.getRawQuery();
        return URI.create(leaderUrl.getScheme() + "://" + leaderUrl.getRawAuthority() + base + path + query);
    }
}
