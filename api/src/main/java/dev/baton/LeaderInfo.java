package dev.baton;

import dev.baton.spi.LeaderMetadata;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Who leads a group, as far as this participant knows: the leader's id, the fencing token of its tenure, the metadata
 * it advertises ({@code url}, {@code version}, {@code zone}, ...) and since when it leads. Returned by
 * {@link LeaderElection#leaderInfo()}; on a follower it is what the store last reported (when the holder changed),
 * so it may be stale, like {@link LeaderElection#leader()}.
 *
 * <p>Informational only: never decide from it whether this participant may act (ask
 * {@link LeaderElection#isLeader()} or use a {@link Term}). Typical use is to route a request to the leader or show
 * an operator where it runs:
 *
 * <pre>{@code
 * election.leaderInfo().flatMap(LeaderInfo::url).ifPresent(leader -> redirectTo(leader.resolve("/orders")));
 * }</pre>
 *
 * @param participant the leader's participant id
 * @param fencingToken the fencing token of the leader's tenure
 * @param metadata the leader's own metadata: unmodifiable, sorted by key, never null, empty when it advertises none
 *     or the backend keeps none; never contains Baton's reserved {@code baton.*} entries
 * @param since when the current tenure began by the leader's own wall clock, as it wrote it with its grant (the
 *     instant it sent the acquire, to the millisecond); empty when the backend keeps no metadata or the value is not
 *     readable. Clocks of different machines differ: for display only, never for a decision
 */
public record LeaderInfo(String participant, long fencingToken, Map<String, String> metadata, Optional<Instant> since) {

    /** The metadata key whose value {@link #url()} parses. */
    public static final String URL_KEY = "url";

    /**
     * Checks that no component is null and that {@code metadata} has no reserved {@code baton.*} key (use
     * {@link #fromStored} for a map as a store keeps it); keeps an unmodifiable copy of {@code metadata} sorted by key.
     */
    public LeaderInfo {
        Objects.requireNonNull(participant, "participant");
        Objects.requireNonNull(metadata, "metadata");
        Objects.requireNonNull(since, "since");
        TreeMap<String, String> copy = new TreeMap<>();
        for (Map.Entry<String, String> e : metadata.entrySet()) {
            String key = Objects.requireNonNull(e.getKey(), "a metadata key is null");
            if (LeaderMetadata.isReserved(key)) {
                throw new IllegalArgumentException("metadata key '" + key + "' is reserved for Baton (it starts with '"
                        + LeaderMetadata.RESERVED_PREFIX + "'); LeaderInfo.fromStored takes such entries apart");
            }
            copy.put(key, Objects.requireNonNull(e.getValue(), () -> "the value of metadata key '" + key + "' is null"));
        }
        metadata = copy.isEmpty() ? Collections.emptySortedMap() : Collections.unmodifiableSortedMap(copy);
    }

    /**
     * The view of a lease's metadata as a store keeps it: Baton's reserved entries are taken apart ({@code baton.since}
     * becomes {@link #since()}, others are dropped), the rest is {@link #metadata()}. A {@code baton.since} that is not
     * an ISO-8601 instant gives an empty {@code since}, never an error: a follower must not fail on what another
     * participant wrote.
     *
     * @param participant the holder
     * @param fencingToken the holder's token
     * @param stored the metadata as the store returned it ({@link dev.baton.spi.LeaseRecord#metadata()})
     * @return the leader's info
     */
    public static LeaderInfo fromStored(String participant, long fencingToken, Map<String, String> stored) {
        Objects.requireNonNull(stored, "stored");
        if (stored.isEmpty()) {
            return new LeaderInfo(participant, fencingToken, Map.of(), Optional.empty());
        }
        TreeMap<String, String> own = new TreeMap<>();
        Optional<Instant> since = Optional.empty();
        for (Map.Entry<String, String> e : stored.entrySet()) {
            if (LeaderMetadata.SINCE.equals(e.getKey())) {
                since = parseInstant(e.getValue());
            } else if (!LeaderMetadata.isReserved(e.getKey())) {
                own.put(e.getKey(), e.getValue());
            }
        }
        return new LeaderInfo(participant, fencingToken, own, since);
    }

    private static Optional<Instant> parseInstant(String text) {
        // Not Instant.parse: this runs on the new leader's path before it leads, as code rarely compiled.
        return text == null ? Optional.empty() : LeaderMetadata.parseSince(text);
    }

    /**
     * @param key a metadata key
     * @return the leader's value for it, empty when it advertises none
     */
    public Optional<String> metadata(String key) {
        return Optional.ofNullable(metadata.get(key));
    }

    /**
     * The leader's {@value #URL_KEY} entry as a URI, for routing a request to the leader.
     *
     * @return the parsed URI; empty when the entry is absent, not a valid URI, not absolute (no scheme) or opaque
     *     ({@code host:8080} without a scheme parses as the opaque URI of scheme {@code host}, useless for routing)
     */
    public Optional<URI> url() {
        String raw = metadata.get(URL_KEY);
        if (raw == null) {
            return Optional.empty();
        }
        try {
            URI uri = new URI(raw);
            return uri.isAbsolute() && !uri.isOpaque() ? Optional.of(uri) : Optional.empty();
        } catch (URISyntaxException e) {
            return Optional.empty();
        }
    }
}
