package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's election suite on a real MariaDB, with the default timeout derived from the suite's ttl. */
@ExtendWith(SharedServers.class)
class MariaDbElectionContractIT extends ElectionContract {
    private static MariaDbServer db;

    @BeforeAll
    static void server(MariaDbServer server) {
        db = server;
    }

    @Override
    protected LeaseStore newStore() {
        return TestContext.mariadb(db).shortestTtl(settings().ttl()).store();
    }
}
