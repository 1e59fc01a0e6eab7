package dev.baton.backend.jdbc;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
import java.util.Optional;
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

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", db.port()));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress server) {
        return TestContext.mariadb(MariaDbServer.url(server.getPort())).shortestTtl(settings().ttl()).store();
    }
}
