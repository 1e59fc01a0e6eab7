package dev.baton.backend.file;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The TCK's store contract against one lease directory; each client is a separate store, as another process. */
class FileLeaseStoreContractTest extends LeaseStoreContract {
    @TempDir
    static Path dir;

    @Override
    protected LeaseStore newStore() {
        return FileLeaseStore.open(dir);
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }
}
