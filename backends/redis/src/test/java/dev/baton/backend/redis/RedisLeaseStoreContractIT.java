package dev.baton.backend.redis;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's store contract against a real redis-server started for this class. */
class RedisLeaseStoreContractIT extends LeaseStoreContract {
    @RegisterExtension
    static final RedisServer SERVER = RedisServer.appendOnly();

    @Override
    protected LeaseStore newStore() {
        return RedisLeaseStore.builder().uri(SERVER.uri()).timeout(Duration.ofSeconds(2)).build();
    }

    @Override
    protected boolean supportsWatch() {
        return true;
    }
}
