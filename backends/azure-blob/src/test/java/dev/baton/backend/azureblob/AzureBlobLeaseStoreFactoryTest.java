package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

/** The factory's configuration handling; no emulator needed (an unused port stands for "the service is down"). */
class AzureBlobLeaseStoreFactoryTest {
    private static final String KEY = AzureBlobLeaseStoreFactory.CONNECTION_STRING_KEY;
    private final AzureBlobLeaseStoreFactory factory = new AzureBlobLeaseStoreFactory();

    private static MapStoreContext nothingThere() {
        return new MapStoreContext().with(KEY, AzuriteServer.connectionString(FreePorts.next()))
                .with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "300ms");
    }

    private static void assertNoSecret(String text) {
        assertFalse(text.contains(AzuriteServer.KEY), () -> "shows the key: " + text);
        assertFalse(text.contains("sig=s3cr3t"), () -> "shows the signature: " + text);
    }

    @Test
    @DisplayName("is found by ServiceLoader under the name 'azure-blob' and is not single-host")
    void serviceLoader() {
        LeaseStoreFactory found = ServiceLoader.load(LeaseStoreFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("azure-blob")).findFirst().orElseThrow();
        assertInstanceOf(AzureBlobLeaseStoreFactory.class, found);
        assertFalse(found.singleHost());
    }

    @Test
    @DisplayName("without any way to reach the account, names the connection-string key and the alternatives")
    void nothingConfigured() {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> factory.create(new MapStoreContext()));
        assertEquals(KEY, e.key());
        assertTrue(e.getMessage().contains("baton.azure-blob.endpoint"), e.getMessage());
        assertTrue(e.getMessage().contains("BlobServiceClient"), e.getMessage());
    }

    @Test
    @DisplayName("a connection string the SDK refuses is reported with its key masked")
    void badConnectionString() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                new MapStoreContext().with(KEY, "AccountName=x;AccountKey=" + AzuriteServer.KEY + ";Nonsense")));
        assertEquals(KEY, e.key());
        assertTrue(e.getMessage().contains("AccountKey=***"), e.getMessage());
        assertNoSecret(e.getMessage());
    }

    @Test
    @DisplayName("a connection string together with an endpoint or credentials is refused, naming the extra key")
    void twoWaysToConnect() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                nothingThere().with(AzureBlobLeaseStoreFactory.SAS_TOKEN_KEY, "sv=2024&sig=s3cr3t")));
        assertEquals(AzureBlobLeaseStoreFactory.SAS_TOKEN_KEY, e.key());
        assertNoSecret(e.getMessage());
    }

    @Test
    @DisplayName("an endpoint with a query (a SAS in the URL) is refused without showing it; one without a credential"
            + " names the three kinds of credential")
    void endpoints() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                new MapStoreContext().with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY,
                        "https://acct.blob.core.windows.net/?sv=2024&sig=s3cr3t")));
        assertEquals(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, e.key());
        assertTrue(e.getMessage().contains("https://acct.blob.core.windows.net/?***"), e.getMessage());
        assertNoSecret(e.getMessage());

        e = assertThrows(InvalidConfigurationException.class, () -> factory.create(new MapStoreContext()
                .with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, "https://acct.blob.core.windows.net")));
        assertEquals(AzureBlobLeaseStoreFactory.ACCOUNT_KEY_KEY, e.key());
        assertTrue(e.getMessage().contains("TokenCredential"), e.getMessage());
        assertTrue(e.getMessage().contains("baton.azure-blob.sas-token"), e.getMessage());

        e = assertThrows(InvalidConfigurationException.class, () -> factory.create(new MapStoreContext()
                .with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, "ftp://acct")));
        assertEquals(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, e.key());
    }

    @Test
    @DisplayName("an account key that is not base64 is refused as '***'; key and SAS together are refused")
    void keys() {
        MapStoreContext endpoint = new MapStoreContext().with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY,
                AzuriteServer.endpoint(FreePorts.next()));
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                endpoint.with(AzureBlobLeaseStoreFactory.ACCOUNT_KEY_KEY, "not base64 s3cr3t!")));
        assertEquals(AzureBlobLeaseStoreFactory.ACCOUNT_KEY_KEY, e.key());
        assertTrue(e.getMessage().contains("'***'"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());

        e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                endpoint.with(AzureBlobLeaseStoreFactory.ACCOUNT_KEY_KEY, AzuriteServer.KEY)
                        .with(AzureBlobLeaseStoreFactory.SAS_TOKEN_KEY, "sv=2024&sig=s3cr3t")));
        assertEquals(AzureBlobLeaseStoreFactory.SAS_TOKEN_KEY, e.key());
        assertNoSecret(e.getMessage());
    }

    @Test
    @DisplayName("an endpoint with an account key, or a SAS, builds a store (the account named by the emulator URL)")
    void endpointWithCredentials() {
        int port = FreePorts.next();
        try (LeaseStore s = factory.create(new MapStoreContext()
                .with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, AzuriteServer.endpoint(port))
                .with(AzureBlobLeaseStoreFactory.ACCOUNT_KEY_KEY, AzuriteServer.KEY)
                .with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "300ms"))) {
            assertEquals("azure-blob http://127.0.0.1:" + port + "/devstoreaccount1 container 'baton' (prefix"
                    + " 'baton/')", s.describe());
        }
        try (LeaseStore s = factory.create(new MapStoreContext()
                .with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, AzuriteServer.endpoint(port))
                .with(AzureBlobLeaseStoreFactory.SAS_TOKEN_KEY, "?sv=2024-08-04&sig=s3cr3t")
                .with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "300ms"))) {
            assertNoSecret(s.describe());
        }
    }

    @Test
    @DisplayName("with an endpoint and no key or SAS, the application's TokenCredential bean is used (managed"
            + " identity); an application BlobServiceClient bean is used when nothing is configured")
    void applicationBeans() {
        TokenCredential credential = request -> Mono.just(new AccessToken("t", OffsetDateTime.now().plusHours(1)));
        try (LeaseStore s = factory.create(new MapStoreContext()
                .with(AzureBlobLeaseStoreFactory.ENDPOINT_KEY, "https://127.0.0.1:" + FreePorts.next() + "/acct")
                .with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "300ms")
                .client(TokenCredential.class, credential))) {
            assertTrue(s.describe().startsWith("azure-blob https://127.0.0.1:"), s.describe());
        }
        BlobServiceClient client = new BlobServiceClientBuilder()
                .connectionString(AzuriteServer.connectionString(FreePorts.next())).buildClient();
        try (LeaseStore s = factory.create(new MapStoreContext().with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "300ms")
                .client(BlobServiceClient.class, client))) {
            assertTrue(s.describe().contains("devstoreaccount1"), s.describe());
        }
    }

    @Test
    @DisplayName("container, prefix and create-container are checked, naming the key and what is valid")
    void namesAndFlags() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(nothingThere().with(AzureBlobLeaseStoreFactory.CONTAINER_KEY, "Bad_Name")));
        assertEquals(AzureBlobLeaseStoreFactory.CONTAINER_KEY, e.key());
        assertTrue(e.getMessage().contains("3 to 63 characters"), e.getMessage());
        e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(nothingThere().with(AzureBlobLeaseStoreFactory.PREFIX_KEY, "a/../b/")));
        assertEquals(AzureBlobLeaseStoreFactory.PREFIX_KEY, e.key());
        e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                nothingThere().with(AzureBlobLeaseStoreFactory.CREATE_CONTAINER_KEY, "yes")));
        assertEquals(AzureBlobLeaseStoreFactory.CREATE_CONTAINER_KEY, e.key());
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
        try (LeaseStore s = factory.create(nothingThere().with(AzureBlobLeaseStoreFactory.CONTAINER_KEY, "my-leases")
                .with(AzureBlobLeaseStoreFactory.PREFIX_KEY, "app/leases/")
                .with(AzureBlobLeaseStoreFactory.CREATE_CONTAINER_KEY, "false"))) {
            assertTrue(s.describe().endsWith("container 'my-leases' (prefix 'app/leases/')"), s.describe());
        }
    }

    @Test
    @DisplayName("a timeout longer than half the shortest ttl is refused; the default is the shorter of 2 s and a"
            + " third of the shortest ttl")
    void timeouts() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                nothingThere().with(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, "3s").shortestTtl(Duration.ofSeconds(4))));
        assertEquals(AzureBlobLeaseStoreFactory.TIMEOUT_KEY, e.key());
        MapStoreContext context = new MapStoreContext().with(KEY, AzuriteServer.connectionString(FreePorts.next()));
        try (LeaseStore s = factory.create(context.shortestTtl(Duration.ofMillis(900)))) {
            assertEquals(Duration.ofMillis(300), s.maxCallTime());
        }
    }

    @Test
    @DisplayName("the service being down at creation is tolerated: the store fails each call in time, saying where")
    void downAtCreation() {
        try (LeaseStore s = factory.create(nothingThere())) {
            long t0 = System.nanoTime();
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> s.tryAcquire("reports", "a", Duration.ofSeconds(5)));
            // Bounded by the call timeout instead of hanging; the slack only absorbs a busy machine's scheduling.
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(s.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2)))) <= 0,
                    "took " + took.toMillis() + " ms; the call timeout is " + s.maxCallTime().toMillis() + " ms");
            assertTrue(e.getMessage().contains("acquire of lease 'reports'"), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertNoSecret(e.getMessage());
        }
    }

    @Test
    @DisplayName("mask hides the key and signature of a connection string")
    void masking() {
        assertEquals("AccountName=a;AccountKey=***;BlobEndpoint=https://x/?sv=1&sig=***",
                AzureBlobLeaseStoreFactory.mask("AccountName=a;AccountKey=abc==;BlobEndpoint=https://x/?sv=1&sig=zz"));
        assertEquals("BlobEndpoint=https://x;SharedAccessSignature=***",
                AzureBlobLeaseStoreFactory.mask("BlobEndpoint=https://x;SharedAccessSignature=sv=1&sig=zz"));
    }
}
