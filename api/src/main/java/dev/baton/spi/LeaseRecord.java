package dev.baton.spi;

import java.time.Duration;
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
 *     engine already did by counting from the send time (subtracting it again shortens every term by a round trip)
 */
public record LeaseRecord(String name, String holder, long token, Duration remaining) {

    /** Checks that no component is null and that {@code remaining} is not negative. */
    public LeaseRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(holder, "holder");
        Objects.requireNonNull(remaining, "remaining");
        if (remaining.isNegative()) {
            throw new IllegalArgumentException("remaining must not be negative: " + remaining);
        }
    }

    /**
     * @param participant a participant id
     * @return true when {@code participant} holds this lease
     */
    public boolean heldBy(String participant) {
        return holder.equals(participant);
    }
}
