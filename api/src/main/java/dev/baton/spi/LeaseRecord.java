package dev.baton.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A lease as the store sees it at the moment it answered.
 *
 * @param name the lease name
 * @param holder the holder's participant id
 * @param token the fencing token: strictly increases each time the lease changes hands, unchanged by renewals
 * @param remaining how long the store will keep the lease without renewal, by the store's own clock. For a grant or
 *     renewal answered to its own holder, the engine counts this from the moment it sent the request (its local
 *     deadline is {@code send time + min(ttl, remaining) - margin}): report the time counted from the request, at most
 *     the time the store surely keeps the lease after it, and do not subtract the call's own duration, which the
 *     engine already did by counting from the send time (subtracting it again shortens every tenure by a round trip)
 * @param metadata the leader metadata the current holder stored with its grant (its own entries and Baton's reserved
 *     {@code baton.*} ones, see {@link LeaderMetadata}); empty when it stored none or the store keeps none. Never null;
 *     kept as an unmodifiable copy
 */
public record LeaseRecord(String name, String holder, long token, Duration remaining, Map<String, String> metadata) {

    /**
     * A record without metadata, as a store that keeps none ({@link LeaseStore#supportsMetadata()} false) reports
     * every lease.
     *
     * @param name the lease name
     * @param holder the holder's participant id
     * @param token the fencing token
     * @param remaining how long the store keeps the lease without renewal
     */
    public LeaseRecord(String name, String holder, long token, Duration remaining) {
        this(name, holder, token, remaining, Map.of());
    }

    /**
     * Checks that no component is null and that {@code remaining} is not negative; copies {@code metadata} (no copy
     * is made of a map that is already an unmodifiable {@code Map.copyOf}/{@code Map.of} map, so a store that keeps
     * its metadata that way answers renewals without copying).
     */
    public LeaseRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("remaining must not be negative: " + remaining);
        }
        metadata = Map.copyOf(Objects.requireNonNull(metadata, "metadata"));
    }

    /**
     * @param participant a participant id
     * @return true when {@code participant} holds this lease
     */
    public boolean heldBy(String participant) {
        return holder.equals(participant);
    }
}
