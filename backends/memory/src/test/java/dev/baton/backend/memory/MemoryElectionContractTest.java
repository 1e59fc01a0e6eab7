package dev.baton.backend.memory;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.util.UUID;

/** Elections on the memory backend: several participants in this JVM, one store client each. */
class MemoryElectionContractTest extends ElectionContract {
    private final String namespace = "tck-" + UUID.randomUUID();

    @Override
    protected LeaseStore newStore() {
        return MemoryLeaseStore.shared(namespace);
    }
}
