package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.tck.fixtures.MapStoreContext;
import io.etcd.jetcd.Client;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** Configuration handling; no server needed (the client connects lazily). */
class EtcdLeaseStoreFactoryTest {
    private final EtcdLeaseStoreFactory factory = new EtcdLeaseStoreFactory();

    private static MapStoreContext context() {
        return new MapStoreContext().with(EtcdLeaseStoreFactory.ENDPOINTS, "http://127.0.0.1:1");
    }

    private InvalidConfigurationException invalid(MapStoreContext context) {
        return assertThrows(InvalidConfigurationException.class, () -> factory.create(context).close());
    }

    @Test
    void foundByServiceLoaderAsEtcd() {
        assertTrue(ServiceLoader.load(LeaseStoreFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("etcd") && p.type() == EtcdLeaseStoreFactory.class));
        assertFalse(factory.singleHost());
    }

    @Test
    void createsWithoutAServerAndDescribesItself() {
        try (LeaseStore store = factory.create(context().with(EtcdLeaseStoreFactory.ENDPOINTS,
                " http://127.0.0.1:1 , 127.0.0.1:2").with(EtcdLeaseStoreFactory.KEY_PREFIX, "/apps/x"))) {
            assertEquals("etcd http://127.0.0.1:1,http://127.0.0.1:2 (prefix /apps/x/)", store.describe());
            assertEquals(Duration.ofSeconds(5), store.maxCallTime(), "a third of 15 s");
        }
    }

    @Test
    void endpointsAreValidated() {
        assertEquals(List.of(URI.create("https://a:1"), URI.create("https://b:2")),
                EtcdLeaseStoreFactory.endpoints("https://a:1,https://b:2"));
        assertEquals(EtcdLeaseStoreFactory.ENDPOINTS, invalid(new MapStoreContext()).key());
        for (String bad : List.of(" , ", "ftp://a:1", "http://a", "http://a:1/path", "http://a:1,https://b:2")) {
            InvalidConfigurationException e = invalid(context().with(EtcdLeaseStoreFactory.ENDPOINTS, bad));
            assertEquals(EtcdLeaseStoreFactory.ENDPOINTS, e.key(), bad);
        }
        InvalidConfigurationException secret = invalid(context().with(EtcdLeaseStoreFactory.ENDPOINTS,
                "http://u:hunter2@a:1"));
        assertFalse(secret.getMessage().contains("hunter2"), secret.getMessage());
    }

    @Test
    void userAndPasswordGoTogetherAndThePasswordIsNeverShown() {
        InvalidConfigurationException e = invalid(context().with(EtcdLeaseStoreFactory.USER, "root"));
        assertEquals(EtcdLeaseStoreFactory.PASSWORD, e.key());
        InvalidConfigurationException e2 = invalid(context().with(EtcdLeaseStoreFactory.PASSWORD, "hunter2"));
        assertEquals(EtcdLeaseStoreFactory.USER, e2.key());
        assertFalse(e2.getMessage().contains("hunter2"));
        try (LeaseStore store = factory.create(context().with(EtcdLeaseStoreFactory.USER, "root")
                .with(EtcdLeaseStoreFactory.PASSWORD, "hunter2"))) {
            assertFalse(store.describe().contains("hunter2"), store.describe());
            assertTrue(store.describe().contains("user root"), store.describe());
        }
    }

    @Test
    void callTimeoutMustLeaveRoomForARetryWithinTheShortestTtl() {
        MapStoreContext c = context().shortestTtl(Duration.ofSeconds(2));
        try (LeaseStore store = factory.create(c)) {
            assertEquals(Duration.ofSeconds(2).dividedBy(3), store.maxCallTime());
        }
        assertEquals(EtcdLeaseStoreFactory.CALL_TIMEOUT,
                invalid(context().shortestTtl(Duration.ofSeconds(2)).with(EtcdLeaseStoreFactory.CALL_TIMEOUT, "1s"))
                        .key());
        assertEquals(EtcdLeaseStoreFactory.CALL_TIMEOUT,
                invalid(context().with(EtcdLeaseStoreFactory.CALL_TIMEOUT, "soon")).key());
        try (LeaseStore store = factory.create(context().with(EtcdLeaseStoreFactory.CALL_TIMEOUT, "750ms"))) {
            assertEquals(Duration.ofMillis(750), store.maxCallTime());
        }
    }

    @Test
    void tlsSettingsNeedHttpsAndReadableFiles() {
        assertEquals(EtcdLeaseStoreFactory.ENDPOINTS,
                invalid(context().with(EtcdLeaseStoreFactory.TLS_CA_FILE, "/etc/hostname")).key());
        assertEquals(EtcdLeaseStoreFactory.TLS_CA_FILE, invalid(context()
                .with(EtcdLeaseStoreFactory.ENDPOINTS, "https://127.0.0.1:1")
                .with(EtcdLeaseStoreFactory.TLS_CA_FILE, "/does/not/exist.pem")).key());
        // https with the JVM's trust store needs no file at all
        try (LeaseStore store = factory.create(context().with(EtcdLeaseStoreFactory.ENDPOINTS, "https://127.0.0.1:1"))) {
            assertTrue(store.describe().contains("https://127.0.0.1:1"));
        }
    }

    @Test
    void anApplicationClientIsUsedAndLeftOpen() {
        Client client = Client.builder().endpoints("http://127.0.0.1:1").build();
        try {
            LeaseStore store = factory.create(new MapStoreContext().client(Client.class, client));
            assertTrue(store.describe().startsWith("etcd (application client"), store.describe());
            store.close();
            assertSame(client.getKVClient(), client.getKVClient(), "the application's client still works");
        } finally {
            client.close();
        }
    }

    @Test
    void keyPrefixGetsItsSlash() {
        assertEquals("/baton/", EtcdLeaseStoreFactory.prefix(new MapStoreContext()));
        assertEquals("/a/b/", EtcdLeaseStoreFactory.prefix(new MapStoreContext().with(EtcdLeaseStoreFactory.KEY_PREFIX, "/a/b")));
        assertEquals(EtcdLeaseStoreFactory.KEY_PREFIX,
                invalid(context().with(EtcdLeaseStoreFactory.KEY_PREFIX, "  ")).key());
    }
}
