package dev.baton.backend.redis;

import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link StoreContext} over a map, as plain-Java configuration would be: for factory tests. */
final class MapContext implements StoreContext {
    private final Map<String, String> config = new HashMap<>();
    private final Map<Class<?>, Object> clients = new HashMap<>();
    private Duration shortestTtl = Duration.ofSeconds(15);

    MapContext with(String key, String value) {
        config.put(key, value);
        return this;
    }

    <T> MapContext client(Class<T> type, T client) {
        clients.put(type, client);
        return this;
    }

    MapContext shortestTtl(Duration ttl) {
        this.shortestTtl = ttl;
        return this;
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(config.get(key));
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        return Optional.ofNullable(clients.get(type)).map(type::cast);
    }

    @Override
    public Duration shortestTtl() {
        return shortestTtl;
    }
}
