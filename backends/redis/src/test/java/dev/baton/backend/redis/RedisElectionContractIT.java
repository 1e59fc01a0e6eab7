package dev.baton.backend.redis;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's election suite (the real engine, several participants) against a real redis-server. */
class RedisElectionContractIT extends ElectionContract {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    @Override
    protected LeaseStore newStore() {
        // A third of the suite's ttl, as the factory would choose (derived, so it follows the kit's settings).
        return RedisLeaseStore.builder().uri(SERVER.uri()).timeout(settings().ttl().dividedBy(3)).build();
    }
}
