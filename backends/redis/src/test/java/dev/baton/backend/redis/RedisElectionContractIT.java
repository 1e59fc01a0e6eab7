package dev.baton.backend.redis;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's election suite (the real engine, several participants) against a real redis-server. */
class RedisElectionContractIT extends ElectionContract {
    @RegisterExtension
    static final RedisServer SERVER = new RedisServer();

    @Override
    protected LeaseStore newStore() {
        // A third of the suite's 2 s ttl, as the factory would choose.
        return RedisLeaseStore.builder().uri(SERVER.uri()).timeout(Timing.scaledMillis(600)).build();
    }
}
