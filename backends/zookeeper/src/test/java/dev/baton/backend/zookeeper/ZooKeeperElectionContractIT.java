package dev.baton.backend.zookeeper;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
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
        return store(server.connectString());
    }

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", server.port()));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress address) {
        return store(address.getHostString() + ":" + address.getPort());
    }

    private LeaseStore store(String connect) {
        return ZooKeeperLeaseStoreFactory.open(connect, "/baton-election", Optional.empty(), settings().ttl(),
                settings().ttl().dividedBy(3));
    }
}
