package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/** The arithmetic of the safety model, shared by elections and one-off leases. */
final class Timing {
    /** First retry after a backend error; doubles up to the renew interval. */
    static final long FIRST_RETRY_NANOS = Duration.ofMillis(100).toNanos();
    /** Wait before retrying an acquire that lost a race on a free lease. */
    static final long RACE_RETRY_NANOS = Duration.ofMillis(20).toNanos();
    /** Added to a follower's wake-up so the store's expiry has surely passed when it asks again. */
    static final long EXPIRY_SLACK_NANOS = Duration.ofMillis(5).toNanos();

    /** The longest wait a caller can ask for, a quarter of the nanosecond clock's range. */
    private static final Duration LONGEST_WAIT = Duration.ofNanos(Long.MAX_VALUE / 4);

    private Timing() {}

    /**
     * The local deadline of a grant: trusted until {@code t0 + min(ttl, remaining) - margin}, where {@code t0} is the
     * local time the request was sent. The store started counting no earlier than {@code t0}, so the grant cannot
     * have expired in the store before this instant (up to the clock-rate difference the margin covers).
     */
    static long deadline(long t0, Duration ttl, LeaseRecord granted, Duration margin) {
        return t0 + grantedNanos(ttl, granted) - margin.toNanos();
    }

    /**
     * Whether a grant is still trusted: strictly before its local deadline. Compared as a difference, never as
     * {@code now < deadline}: {@link System#nanoTime()} has no fixed origin and may wrap.
     *
     * @param now the scheduler's time
     * @param deadlineNanos a local deadline from {@link #deadline}
     */
    static boolean before(long now, long deadlineNanos) {
        return now - deadlineNanos < 0;
    }

    /**
     * Whether a renewal's answer confirms the grant: the store still has it, for the same holder and token. Anything
     * else (no lease, another holder, a newer token) means the grant is gone, whatever the local deadline says.
     */
    static boolean confirms(Optional<LeaseRecord> answer, String holder, long token) {
        return answer.isPresent() && answer.get().heldBy(holder) && answer.get().token() == token;
    }

    /**
     * The part of the ttl the store granted: {@code min(ttl, remaining)} in nanoseconds. Compared as durations first,
     * so that a store's answer, however long, can never overflow here between a grant and its bookkeeping (the ttl
     * itself is at most a day, {@link dev.baton.ElectionSettings#MAX_TTL}).
     */
    static long grantedNanos(Duration ttl, LeaseRecord granted) {
        Duration remaining = granted.remaining();
        return (remaining.compareTo(ttl) < 0 ? remaining : ttl).toNanos();
    }

    /**
     * How long after {@code t0} to renew a grant: the renew interval, or proportionally sooner when the store granted
     * less than the ttl asked for (a store may cap the lengths it grants). Without this a short grant would expire
     * before its first renewal and leadership would flap every cycle.
     */
    static long renewDelay(Duration ttl, Duration renewInterval, LeaseRecord granted) {
        long asked = ttl.toNanos();
        long lease = grantedNanos(ttl, granted);
        if (lease >= asked) {
            return renewInterval.toNanos();
        }
        return (long) (renewInterval.toNanos() * ((double) Math.max(lease, 0) / asked));
    }

    /** Exponential backoff from 100 ms up to {@code cap}, with ±20% jitter so participants do not march in step. */
    static long retryDelay(int consecutiveFailures, Duration cap) {
        int shift = Math.min(Math.max(consecutiveFailures - 1, 0), 20);
        long base = Math.min(cap.toNanos(), FIRST_RETRY_NANOS << shift);
        return jitter(base);
    }

    /** When a follower should ask again: when the holder's lease can expire, never later than one ttl. */
    static long followerWait(LeaseRecord held, Duration ttl) {
        return grantedNanos(ttl, held) + EXPIRY_SLACK_NANOS;
    }

    /**
     * A caller's wait in nanoseconds, capped at about 73 years so that {@code System.nanoTime() + it} cannot overflow
     * and {@link Duration#toNanos()} cannot throw for {@code Duration.ofDays(1_000_000)}.
     */
    static long boundedNanos(Duration wait) {
        if (wait.isNegative()) {
            return 0;
        }
        return wait.compareTo(LONGEST_WAIT) > 0 ? LONGEST_WAIT.toNanos() : wait.toNanos();
    }

    static long jitter(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        long spread = nanos / 5;
        return nanos - spread + ThreadLocalRandom.current().nextLong(2 * spread + 1);
    }
}
