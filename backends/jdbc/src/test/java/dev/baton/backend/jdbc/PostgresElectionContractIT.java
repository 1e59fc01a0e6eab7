package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's election suite on a real PostgreSQL, with the default timeout derived from the suite's ttl. */
@ExtendWith(SharedServers.class)
class PostgresElectionContractIT extends ElectionContract {
    private static PostgresServer pg;

    @BeforeAll
    static void server(PostgresServer server) {
        pg = server;
    }

    @Override
    protected LeaseStore newStore() {
        return TestContext.postgres(pg).shortestTtl(settings().ttl()).store();
    }

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", pg.port()));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress server) {
        return TestContext.postgres(PostgresServer.url(server.getPort())).shortestTtl(settings().ttl()).store();
    }
}
