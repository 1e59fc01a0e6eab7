package dev.baton.backend.file;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** The TCK's election contract: several participants, each on its own store of one lease directory. */
class FileElectionContractTest extends ElectionContract {
    @TempDir
    static Path dir;

    @Override
    protected LeaseStore newStore() {
        return FileLeaseStore.open(dir);
    }
}
