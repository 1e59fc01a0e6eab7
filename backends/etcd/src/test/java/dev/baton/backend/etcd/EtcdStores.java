package dev.baton.backend.etcd;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;

/** Opens stores the way an application would: through the factory and its configuration keys. */
public final class EtcdStores {
    private EtcdStores() {}

    public static LeaseStore open(String endpoints, String prefix, Duration shortestTtl) {
        return new EtcdLeaseStoreFactory().create(context(endpoints, prefix, shortestTtl));
    }

    public static MapStoreContext context(String endpoints, String prefix, Duration shortestTtl) {
        return new MapStoreContext()
                .with(EtcdLeaseStoreFactory.ENDPOINTS, endpoints)
                .with(EtcdLeaseStoreFactory.KEY_PREFIX, prefix)
                .shortestTtl(shortestTtl);
    }
}
