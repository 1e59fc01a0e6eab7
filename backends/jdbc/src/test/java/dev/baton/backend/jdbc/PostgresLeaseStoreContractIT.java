package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's store contract against a real PostgreSQL. */
@ExtendWith(SharedServers.class)
class PostgresLeaseStoreContractIT extends LeaseStoreContract {
    private static PostgresServer pg;

    @BeforeAll
    static void server(PostgresServer server) {
        pg = server;
    }

    @Override
    protected LeaseStore newStore() {
        return TestContext.postgres(pg).with(JdbcLeaseStoreFactory.TIMEOUT, Timing.scaled(Duration.ofSeconds(3))
                .toMillis() + "ms").store();
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(PostgresServer.PASSWORD);
    }
}
