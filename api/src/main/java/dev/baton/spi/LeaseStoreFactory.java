package dev.baton.spi;

/**
 * Creates a {@link LeaseStore} from configuration. Implementations are found with {@link java.util.ServiceLoader}
 * (a {@code META-INF/services/dev.baton.spi.LeaseStoreFactory} entry) and chosen by {@code baton.backend}, which
 * must equal {@link #name()}.
 */
public interface LeaseStoreFactory {

    /** @return the backend name used in {@code baton.backend}, e.g. {@code jdbc} */
    String name();

    /**
     * @return true when the backend only coordinates participants on one host (memory, file); Baton says so in its
     *     startup log line
     */
    default boolean singleHost() {
        return false;
    }

    /**
     * Creates a store. Reads its settings from {@code context}; fails fast on bad configuration.
     *
     * @param context configuration and container-owned clients
     * @return a store ready for use (it may connect lazily so that an application can start before its backend)
     * @throws InvalidConfigurationException naming the key, the bad value and what would be valid
     */
    LeaseStore create(StoreContext context);
}
