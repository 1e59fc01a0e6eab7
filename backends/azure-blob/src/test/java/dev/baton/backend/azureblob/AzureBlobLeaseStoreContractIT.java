package dev.baton.backend.azureblob;

import dev.baton.spi.LeaseStore;
import dev.baton.tck.LeaseStoreContract;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The TCK's store contract against Azurite started for this class. */
class AzureBlobLeaseStoreContractIT extends LeaseStoreContract {
    @RegisterExtension
    static final AzuriteServer SERVER = new AzuriteServer();

    @Override
    protected LeaseStore newStore() {
        // Generous: a fresh name's first grant may wait up to a second for the service's clock (a new blob).
        return AzureBlobLeaseStore.builder().connectionString(SERVER.connectionString())
                .timeout(Duration.ofSeconds(5)).build();
    }

    @Override
    protected boolean supportsWatch() {
        return false;
    }

    /**
     * Followers see a lease expire on the service's whole-second clock, up to a second after its ttl, and a fresh
     * name's first grant waits up to a second: 3 s keeps the short leases of the suite alive across a few grants.
     */
    @Override
    protected Duration shortTtl() {
        return Duration.ofSeconds(3);
    }

    @Override
    protected Optional<String> secret() {
        return Optional.of(AzuriteServer.KEY);
    }
}
