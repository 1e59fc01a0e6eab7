package dev.baton.backend.redis;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's election suite (the real engine, several participants) against a real redis-server. */
class RedisElectionContractIT extends ElectionContract {
    @RegisterExtension
    static final RedisServer SERVER = RedisServer.appendOnly();

    @Override
    protected LeaseStore newStore() {
        return store(SERVER.uri());
    }

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", SERVER.port()));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress server) {
        return store("redis://" + server.getHostString() + ":" + server.getPort());
    }

    private LeaseStore store(String uri) {
        // A third of the suite's ttl, as the factory would choose (derived, so it follows the kit's settings).
        return RedisLeaseStore.builder().uri(uri).timeout(settings().ttl().dividedBy(3)).build();
    }
}
