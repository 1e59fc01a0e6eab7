package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK's store contract against a real ZooKeeper. The session timeout (40 s) exceeds the TCK's longest lease, so
 * a grant's remaining time is its ttl; expiry within a live session is ZooKeeper-clock ttl expiry.
 */
class ZooKeeperLeaseStoreContractIT extends LeaseStoreContract {
    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @Override
    protected LeaseStore newStore() {
        return ZooKeeperLeaseStoreFactory.open(server.connectString(), "/baton-tck", Optional.empty(),
                Duration.ofSeconds(40), Duration.ofSeconds(5));
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }
}
