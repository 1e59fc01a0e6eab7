package dev.baton.chaos;

import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import java.util.Map;

/** Creates a {@link LeaseStore} the way Baton does: the factory named by {@code baton.backend}, via ServiceLoader. */
public final class Stores {

    private Stores() {}

    /**
     * @param config {@code baton.*} keys, {@code baton.backend} included
     * @param shortestTtl the shortest lease length the store will serve
     * @return a new store
     * @throws IllegalStateException when no factory on the class path has that name
     */
    public static LeaseStore create(Map<String, String> config, Duration shortestTtl) {
        return factory(config.get("baton.backend")).create(new MapStoreContext(config, shortestTtl));
    }

    /**
     * @param name a backend name
     * @return its factory
     * @throws IllegalStateException when no factory on the class path has that name
     */
    public static LeaseStoreFactory factory(String name) {
        return MapStoreContext.factory(name);
    }
}
