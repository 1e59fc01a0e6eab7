package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's election contract against a real ZooKeeper; sessions as long as the lease, as recommended. */
class ZooKeeperElectionContractIT extends ElectionContract {
    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @Override
    protected LeaseStore newStore() {
        return ZooKeeperLeaseStoreFactory.open(server.connectString(), "/baton-election", Optional.empty(),
                settings().ttl(), Timing.scaled(Duration.ofMillis(600)));
    }
}
