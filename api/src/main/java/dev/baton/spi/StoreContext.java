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
}
