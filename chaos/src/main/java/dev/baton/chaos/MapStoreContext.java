package dev.baton.chaos;

import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A {@link StoreContext} over a plain map of configuration keys, for plain-Java use of a backend factory: no
 * container clients, no JNDI.
 */
public final class MapStoreContext implements StoreContext {
    private final Map<String, String> config;
    private final Duration shortestTtl;

    /**
     * @param config full keys ({@code baton.redis.uri}) to values
     * @param shortestTtl the shortest lease length any group uses
     */
    public MapStoreContext(Map<String, String> config, Duration shortestTtl) {
        this.config = Map.copyOf(Objects.requireNonNull(config, "config"));
        this.shortestTtl = Objects.requireNonNull(shortestTtl, "shortestTtl");
    }

    /**
     * @param prefix the key prefix to keep, e.g. {@code baton.}
     * @param shortestTtl the shortest lease length any group uses
     * @return a context over the system properties starting with {@code prefix}
     */
    public static MapStoreContext fromSystemProperties(String prefix, Duration shortestTtl) {
        Map<String, String> map = new TreeMap<>();
        System.getProperties().forEach((k, v) -> {
            if (k.toString().startsWith(prefix)) {
                map.put(k.toString(), v.toString());
            }
        });
        return new MapStoreContext(map, shortestTtl);
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(config.get(key));
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        return Optional.empty();
    }

    @Override
    public Duration shortestTtl() {
        return shortestTtl;
    }

    @Override
    public String toString() {
        // Keys only: values may be secrets.
        return "MapStoreContext" + config.keySet();
    }
}
