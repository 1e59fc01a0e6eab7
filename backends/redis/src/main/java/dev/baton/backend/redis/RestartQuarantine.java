package dev.baton.backend.redis;

import java.util.Locale;
import java.util.Optional;

/**
 * When the acquire script refuses grants because Redis may have lost leases in a restart
 * ({@code baton.redis.restart-quarantine}, {@link RedisLeaseStore.Builder#restartQuarantine}).
 *
 * <p>A Redis that restarted without persistence comes back empty while the holders of its leases still trust their
 * grants until their local deadlines, up to one ttl after their last request. Granting a lease in that time would make
 * two leaders. The quarantine refuses every grant of a lease of ttl {@code T} while the server has been up for less
 * than {@code T} plus one second (its {@code uptime_in_seconds} counts whole seconds); the check runs inside the
 * acquire script, so a participant that never saw the server before (a fresh JVM) refuses too. A brand-new server
 * cannot be told apart from a restarted empty one, so it also waits one ttl before its first grant.
 */
public enum RestartQuarantine {
    /**
     * The default: quarantine unless the server keeps an append-only file ({@code INFO persistence} shows
     * {@code aof_enabled:1}), which replays every acknowledged write after a restart (all of them with
     * {@code appendfsync always}; with {@code everysec} an operating-system crash can lose the last second or two).
     * RDB snapshots alone do not count: a crash loses every write since the last snapshot.
     */
    AUTO,
    /**
     * Quarantine after every restart, even with an append-only file: for {@code appendfsync everysec} or {@code no}
     * on a host that may crash or lose power.
     */
    ALWAYS,
    /**
     * Never: a new leader may overlap the old one after a restart that lost the leases. For Redis run with
     * {@code appendonly yes} and {@code appendfsync always} where the one-ttl wait at first use is not wanted, for
     * tests and development servers, and where {@code INFO} is not allowed inside scripts.
     */
    OFF;

    /** What {@code baton.redis.restart-quarantine} accepts, for error messages. */
    static final String VALID_VALUES = "auto (refuse grants for one ttl after Redis started, unless it keeps an "
            + "append-only file), always (also with an append-only file) or off (never; two leaders may overlap "
            + "after a restart that lost the leases)";

    /** @return the configuration value: {@code auto}, {@code always} or {@code off}; also the acquire script's ARGV */
    public String configValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * @param value a configuration value, any case, surrounding blanks ignored
     * @return the mode, or empty when {@code value} is none of {@code auto}, {@code always}, {@code off}
     */
    public static Optional<RestartQuarantine> parse(String value) {
        String v = value == null ? "" : value.trim();
        for (RestartQuarantine mode : values()) {
            if (mode.configValue().equalsIgnoreCase(v)) {
                return Optional.of(mode);
            }
        }
        return Optional.empty();
    }
}
