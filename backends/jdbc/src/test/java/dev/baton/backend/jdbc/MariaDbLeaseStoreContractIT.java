package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's store contract against a real MariaDB (no notifications: followers wake at expiry). */
@ExtendWith(SharedServers.class)
class MariaDbLeaseStoreContractIT extends LeaseStoreContract {
    private static MariaDbServer db;

    @BeforeAll
    static void server(MariaDbServer server) {
        db = server;
    }

    @Override
    protected LeaseStore newStore() {
        return TestContext.mariadb(db).with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(3))
                .toMillis() + "ms").store();
    }

    @Override
    protected boolean supportsWatch() {
        return false;
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(MariaDbServer.PASSWORD);
    }
}
