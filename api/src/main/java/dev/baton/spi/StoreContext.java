package dev.baton.spi;

import java.time.Duration;
import java.util.Optional;

/**
 * What a {@link LeaseStoreFactory} may read: configuration (MicroProfile Config in a container, a map in plain
 * Java) and clients the application already owns (a {@code DataSource}, a Lettuce {@code RedisClient}, ...).
 */
public interface StoreContext {

    /**
     * @param key a full configuration key, e.g. {@code baton.redis.uri}
     * @return the value, or empty when unset
     */
    Optional<String> config(String key);

    /**
     * Finds a client the application owns, e.g. a CDI bean of that type.
     *
     * @param type the client type
     * @param <T> the client type
     * @return the single client of that type, or empty when there is none
     */
    <T> Optional<T> client(Class<T> type);

    /**
     * Looks a resource up by JNDI name (a container {@code DataSource}).
     *
     * @param jndiName the name
     * @return the object, or empty when there is no naming service or no such name
     */
    default Optional<Object> lookup(String jndiName) {
        return Optional.empty();
    }

    /** @return the shortest lease length of any group, so a factory can bound its call timeouts by it */
    Duration shortestTtl();

    /**
     * @param key a full configuration key
     * @param validValues what a valid value looks like, for the error message
     * @return the value
     * @throws InvalidConfigurationException when unset or blank
     */
    default String required(String key, String validValues) {
        return config(key).filter(v -> !v.isBlank())
                .orElseThrow(() -> new InvalidConfigurationException(key, null, validValues));
    }

    /**
     * @param key a full configuration key holding a duration ({@code 15s}, {@code 500ms}, {@code PT15S})
     * @param defaultValue used when unset
     * @return the duration
     * @throws InvalidConfigurationException when the value is not a positive duration
     */
    default Duration duration(String key, Duration defaultValue) {
        Optional<String> raw = config(key).filter(v -> !v.isBlank());
        if (raw.isEmpty()) {
            return defaultValue;
        }
        try {
            return Durations.parsePositive(raw.get());
        } catch (IllegalArgumentException e) {
            throw new InvalidConfigurationException(key, raw.get(), Durations.VALID_FORMS);
        }
    }

    /**
     * A store's call timeout: the configured duration under {@code key}, or by default a third of the
     * {@linkplain #shortestTtl() shortest ttl}, at most {@code cap}. A store must answer well within a lease
     * ({@link LeaseStore#maxCallTime()}) so that a renewal that timed out can be retried before the local deadline;
     * a configured value above half the shortest ttl therefore fails deployment.
     *
     * @param key a full configuration key, e.g. {@code baton.zookeeper.call-timeout}
     * @param cap the longest default
     * @return the timeout, at most half the shortest ttl
     * @throws InvalidConfigurationException when the value is not a duration or longer than half the shortest ttl
     */
    default Duration callTimeout(String key, Duration cap) {
        Duration third = shortestTtl().dividedBy(3);
        Duration timeout = duration(key, third.compareTo(cap) < 0 ? third : cap);
        requireWithinHalfTtl(key, timeout);
        return timeout;
    }

    /**
     * @param key the configuration key the duration came from, for the message
     * @param value a store's call timeout or a part of one
     * @throws InvalidConfigurationException when {@code value} is longer than half the shortest ttl
     */
    default void requireWithinHalfTtl(String key, Duration value) {
        Duration half = shortestTtl().dividedBy(2);
        if (value.compareTo(half) > 0) {
            throw new InvalidConfigurationException(key, config(key).orElse(value.toString()),
                    "a duration of at most half the shortest lease ttl (" + half.toMillis() + " ms), so that a call"
                            + " that timed out can be retried before the lease expires");
        }
    }
}
