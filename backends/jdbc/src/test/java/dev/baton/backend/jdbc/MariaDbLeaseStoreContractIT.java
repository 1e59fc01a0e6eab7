package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's store contract against a real MariaDB (no notifications: a release wakes watchers of this JVM at once, others poll). */
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
        return true; // a release in this JVM wakes watchers at once (the contract's stores share the URL)
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(MariaDbServer.PASSWORD);
    }
}
