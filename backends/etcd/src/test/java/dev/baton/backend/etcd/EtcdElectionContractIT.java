package dev.baton.backend.etcd;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The TCK's election suite on one real etcd member, with the kit's 2 s ttl renewed every 500 ms. */
class EtcdElectionContractIT extends ElectionContract {
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected LeaseStore newStore() {
        // Default call timeout: a third of the ttl, as in production.
        return EtcdStores.open(etcd.endpoints(), "/election-tck/", settings().ttl());
    }

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", etcd.clientPort(0)));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress server) {
        return EtcdStores.open("http://" + server.getHostString() + ":" + server.getPort(), "/election-tck/",
                settings().ttl());
    }
}
