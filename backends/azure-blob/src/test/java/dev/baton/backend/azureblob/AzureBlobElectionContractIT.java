package dev.baton.backend.azureblob;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.ElectionContract;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's election suite (the real engine, several participants) against Azurite. */
class AzureBlobElectionContractIT extends ElectionContract {
    @RegisterExtension
    static final AzuriteServer SERVER = new AzuriteServer();

    @Override
    protected LeaseStore newStore() {
        return store(SERVER.port());
    }

    @Override
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.of(new InetSocketAddress("127.0.0.1", SERVER.port()));
    }

    @Override
    protected LeaseStore newStore(InetSocketAddress server) {
        return store(server.getPort());
    }

    private LeaseStore store(int port) {
        // A third of the suite's ttl, as the factory would choose (derived, so it follows the kit's settings).
        return AzureBlobLeaseStore.builder().connectionString(AzuriteServer.connectionString(port))
                .timeout(settings().ttl().dividedBy(3)).build();
    }
}
