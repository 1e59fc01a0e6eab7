package dev.baton;

import java.time.Duration;
import java.util.Objects;

/**
 * Timing of one group's election.
 *
 * @param ttl how long the store keeps a lease without renewal (the store decides expiry with its own clock)
 * @param renewInterval how often the leader renews; must leave room for retries before the local deadline
 * @param safetyMargin subtracted from the ttl to form the local deadline, covering clock-rate differences between
 *     this host and the store
 */
public record ElectionSettings(Duration ttl, Duration renewInterval, Duration safetyMargin) {

    /** The shortest ttl: below it a renewal round trip and the safety margin leave no time to lead. */
    public static final Duration MIN_TTL = Duration.ofMillis(100);

    /**
     * The longest ttl, one day. A longer lease would outlive the outage it is meant to survive by far, and some stores
     * cannot hold it (etcd answers {@code OUT_OF_RANGE}, nanosecond arithmetic overflows past 292 years); one day is
     * also what other lease libraries allow at most.
     */
    public static final Duration MAX_TTL = Duration.ofDays(1);

    /** The default lease length. */
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(15);

    /** The default renew interval. */
    public static final Duration DEFAULT_RENEW_INTERVAL = Duration.ofSeconds(5);

    /** The default settings: 15 s lease, renewed every 5 s, 1.5 s margin. */
    public static final ElectionSettings DEFAULTS = of(DEFAULT_TTL, DEFAULT_RENEW_INTERVAL);

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException naming the bad value and the valid range
     */
    public ElectionSettings {
        Objects.requireNonNull(ttl, "ttl");
        Objects.requireNonNull(renewInterval, "renewInterval");
        Objects.requireNonNull(safetyMargin, "safetyMargin");
        requireValidTtl(ttl, "ttl");
        if (safetyMargin.isNegative() || safetyMargin.compareTo(ttl.dividedBy(2)) > 0) {
            throw new IllegalArgumentException(
                    "safety margin " + safetyMargin + " must be between 0 and half the ttl (" + ttl.dividedBy(2) + ")");
        }
        if (renewInterval.isNegative() || renewInterval.isZero()
                || renewInterval.compareTo(ttl.minus(safetyMargin)) >= 0) {
            throw new IllegalArgumentException("renew interval " + renewInterval
                    + " must be positive and shorter than ttl minus safety margin (" + ttl.minus(safetyMargin)
                    + "); a third of the ttl leaves room for retries");
        }
    }

    /**
     * @param ttl the lease length
     * @param renewInterval the renew interval
     * @return settings with the default safety margin, a tenth of the ttl
     */
    public static ElectionSettings of(Duration ttl, Duration renewInterval) {
        return new ElectionSettings(ttl, renewInterval, ttl.dividedBy(10));
    }

    /**
     * @param ttl the lease length
     * @return settings renewing every third of the ttl, with a tenth of the ttl as safety margin
     */
    public static ElectionSettings of(Duration ttl) {
        return of(ttl, ttl.dividedBy(3));
    }

    /**
     * The one rule for a lease length, shared by elections and one-off leases.
     *
     * @param ttl a lease length
     * @param what what it is, for the message ("ttl", "lease ttl")
     * @return {@code ttl}
     * @throws IllegalArgumentException when it is null, shorter than {@link #MIN_TTL} or longer than {@link #MAX_TTL}
     */
    public static Duration requireValidTtl(Duration ttl, String what) {
        Objects.requireNonNull(ttl, what);
        if (ttl.compareTo(MIN_TTL) < 0) {
            throw new IllegalArgumentException(what + " " + ttl + " is too short: use at least 100ms");
        }
        if (ttl.compareTo(MAX_TTL) > 0) {
            throw new IllegalArgumentException(what + " " + ttl + " is too long: use at most one day (PT24H)");
        }
        return ttl;
    }
}
