package dev.baton.backend.etcd;

import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/** A {@link StoreContext} backed by a map and an optional application client, as plain Java would supply. */
public final class MapContext implements StoreContext {
    private final Map<String, String> config = new HashMap<>();
    private final Map<Class<?>, Object> clients = new HashMap<>();
    private Duration shortestTtl = Duration.ofSeconds(15);

    public MapContext with(String key, String value) {
        config.put(key, value);
        return this;
    }

    public <T> MapContext client(Class<T> type, T client) {
        clients.put(type, client);
        return this;
    }

    public MapContext shortestTtl(Duration ttl) {
        this.shortestTtl = ttl;
        return this;
    }

    @Override
    public Optional<String> config(String key) {
        return Optional.ofNullable(config.get(key));
    }

    @Override
    public <T> Optional<T> client(Class<T> type) {
        return Optional.ofNullable(type.cast(clients.get(type)));
    }

    @Override
    public Duration shortestTtl() {
        return shortestTtl;
    }
}
