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

    /**
     * MariaDB returns a watch ({@link ReleaseWatch}: a release in this JVM wakes followers at once, one elsewhere is
     * found by polling), but nothing tells a follower that a lease was extended by a slow leader's call that landed
     * after the leader gave it up: followers then wake when the lease can expire, as without a watch. The suite
     * derives its slow-link bound from this answer, so it keeps the bound of a store without notifications (a ttl
     * and a half of leaderlessness) for that one case; graceful handover is checked by {@code MariaDbHandoverIT}.
     */
    @Override
    protected boolean supportsWatch() {
        return false;
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
