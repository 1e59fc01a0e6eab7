package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCK's election contract against a real ZooKeeper; sessions as long as the lease and calls bounded by a third of
 * it, as the factory chooses (derived from the kit's settings, so they follow any change there).
 */
class ZooKeeperElectionContractIT extends ElectionContract {
    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @Override
    protected LeaseStore newStore() {
        return ZooKeeperLeaseStoreFactory.open(server.connectString(), "/baton-election", Optional.empty(),
                settings().ttl(), settings().ttl().dividedBy(3));
    }
}
