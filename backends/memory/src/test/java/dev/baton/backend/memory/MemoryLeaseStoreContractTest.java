package dev.baton.backend.memory;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.util.UUID;

/** The memory backend keeps the {@link LeaseStore} contract; every client shares one namespace per test class. */
class MemoryLeaseStoreContractTest extends LeaseStoreContract {
    private final String namespace = "tck-" + UUID.randomUUID();

    @Override
    protected LeaseStore newStore() {
        return MemoryLeaseStore.shared(namespace);
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }
}
