package dev.baton.backend.memory;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;

/**
 * {@code baton.backend=memory}: leases in this JVM. {@code baton.memory.namespace} (default {@code default})
 * separates independent sets of leases within one JVM.
 */
public final class MemoryLeaseStoreFactory implements LeaseStoreFactory {

    /** The configuration key of the namespace. */
    public static final String NAMESPACE_KEY = "baton.memory.namespace";

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public boolean singleHost() {
        return true;
    }

    @Override
    public LeaseStore create(StoreContext context) {
        String namespace = context.config(NAMESPACE_KEY).orElse("default");
        if (namespace.isBlank()) {
            throw new InvalidConfigurationException(NAMESPACE_KEY, namespace, "a non-blank name");
        }
        return MemoryLeaseStore.shared(namespace);
    }
}
