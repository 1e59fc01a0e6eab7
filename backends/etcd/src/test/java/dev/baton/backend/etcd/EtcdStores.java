package dev.baton.backend.etcd;

import dev.baton.spi.LeaseStore;
import java.time.Duration;

/** Opens stores the way an application would: through the factory and its configuration keys. */
public final class EtcdStores {
    private EtcdStores() {}

    public static LeaseStore open(String endpoints, String prefix, Duration shortestTtl) {
        return new EtcdLeaseStoreFactory().create(context(endpoints, prefix, shortestTtl));
    }

    public static MapContext context(String endpoints, String prefix, Duration shortestTtl) {
        return new MapContext()
                .with(EtcdLeaseStoreFactory.ENDPOINTS, endpoints)
                .with(EtcdLeaseStoreFactory.KEY_PREFIX, prefix)
                .shortestTtl(shortestTtl);
    }
}
