package dev.baton.cdi;

import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import java.util.Set;

/**
 * Everything the extension decided at deployment, handed to {@link BatonRuntime} when the application starts.
 *
 * @param config the bound configuration
 * @param factory the chosen backend
 * @param store the store created by it (owned by the runtime's {@link dev.baton.engine.Baton} from then on)
 * @param methods the guarded methods
 * @param groups every group that starts competing with the application
 */
record Deployment(
        BatonConfig config, LeaseStoreFactory factory, LeaseStore store, GuardedMethods methods, Set<String> groups) {

    Deployment {
        groups = Set.copyOf(groups);
    }
}
