package dev.baton.backend.etcd;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * The TCK's store contract against one real etcd member with authentication on: every client logs in, and the
 * password must never show in {@code describe()}.
 */
class EtcdLeaseStoreContractIT extends LeaseStoreContract {
    private static final String PASSWORD = "tck-s3cret-pw";
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        etcd.enableAuth(PASSWORD);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected LeaseStore newStore() {
        // Expiry tests use a 1 s lease (the test cluster's minimum); calls may take up to 5 s on a busy machine.
        return new EtcdLeaseStoreFactory().create(EtcdStores.context(etcd.endpoints(), "/tck/", Duration.ofSeconds(30))
                .with(EtcdLeaseStoreFactory.USER, "root")
                .with(EtcdLeaseStoreFactory.PASSWORD, PASSWORD));
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(PASSWORD);
    }
}
