package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Configuration, names and node data: no server needed. */
class ZooKeeperConfigTest {

    private static StoreContext context(Map<String, String> config) {
        return new MapStoreContext(config, Duration.ofSeconds(15));
    }

    private static LeaseStoreFactory factory() {
        return MapStoreContext.factory("zookeeper");
    }

    @Test
    void missingConnectNamesTheKey() {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> factory().create(context(Map.of())));
        assertEquals(ZooKeeperLeaseStoreFactory.CONNECT_KEY, e.key());
        assertFalse(factory().singleHost());
    }

    @Test
    void badRootsAreRefused() {
        for (String root : new String[] {"baton", "/baton/", "/a//b", "/a/./b", ""}) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> factory().create(context(Map.of("baton.zookeeper.connect", "127.0.0.1:1",
                            "baton.zookeeper.root", root))), root);
            assertEquals(ZooKeeperLeaseStoreFactory.ROOT_KEY, e.key());
        }
    }

    @Test
    void callTimeoutMustLeaveRoomWithinTheShortestLease() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory().create(context(Map.of("baton.zookeeper.connect", "127.0.0.1:1",
                        "baton.zookeeper.call-timeout", "10m"))));
        assertEquals(ZooKeeperLeaseStoreFactory.CALL_TIMEOUT_KEY, e.key());
        assertTrue(e.getMessage().contains("half the shortest lease ttl (7500 ms)"), e.getMessage());
        try (var store = factory().create(context(Map.of("baton.zookeeper.connect", "127.0.0.1:1",
                "baton.zookeeper.call-timeout", "7500ms")))) {
            assertEquals(Duration.ofMillis(7500), store.maxCallTime());
        }
    }

    @Test
    void createsLazilyWithoutAServerAndDescribesWithoutSecrets() {
        try (var store = factory().create(context(Map.of("baton.zookeeper.connect", "127.0.0.1:1",
                "baton.zookeeper.auth", "user:top-secret", "baton.zookeeper.root", "/apps/baton")))) {
            assertTrue(store.describe().contains("127.0.0.1:1") && store.describe().contains("/apps/baton"),
                    store.describe());
            assertFalse(store.describe().contains("top-secret"));
            assertEquals(Duration.ofSeconds(5), store.maxCallTime(), "a third of the 15 s ttl, capped at 5 s");
        }
    }

    @Test
    void nodeNamesAreSafeAndDistinct() {
        assertEquals("reports", ZkNames.node("reports"));
        assertEquals("_2e_2e", ZkNames.node(".."));
        assertEquals("a_2fb", ZkNames.node("a/b"));
        assertEquals("_5f", ZkNames.node("_"));
        assertFalse(ZkNames.node("A").equals(ZkNames.node("a")));
        assertTrue(ZkNames.node("x\u0000\u0001").matches("[a-z0-9_-]+"));
    }

    @Test
    void nodeDataRoundTripsAndRejectsForeignData() {
        ZkLeaseData d = new ZkLeaseData(1500, "holder\nwith newline");
        assertEquals(d, ZkLeaseData.decode(d.encode()));
        assertNull(ZkLeaseData.decode("hello".getBytes()));
        assertNull(ZkLeaseData.decode(null));
        assertNull(ZkLeaseData.decode("baton/1\n-5\nx".getBytes()));
    }
}
