package dev.baton.backend.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import dev.baton.tck.fixtures.MapStoreContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileLeaseStoreFactoryTest {
    @TempDir
    Path dir;

    private static StoreContext context(Map<String, String> config) {
        return new MapStoreContext(config, Duration.ofSeconds(15));
    }

    private static LeaseStoreFactory factory() {
        return MapStoreContext.factory("file");
    }

    @Test
    void createsAStoreOnTheConfiguredDirectory() {
        LeaseStoreFactory f = factory();
        assertTrue(f.singleHost());
        try (LeaseStore s = f.create(context(Map.of("baton.file.dir", dir.toString())))) {
            assertTrue(s.describe().contains(dir.getFileName().toString()), s.describe());
            assertTrue(s.tryAcquire("x", "me", Duration.ofSeconds(5)).orElseThrow().heldBy("me"));
        }
    }

    @Test
    void defaultDirectoryIsCreated() {
        try (LeaseStore s = factory().create(context(Map.of()))) {
            assertTrue(s.describe().contains("baton-leases"), s.describe());
        }
    }

    @Test
    void badValuesNameTheKey() {
        String d = dir.toString();
        InvalidConfigurationException missing = assertThrows(InvalidConfigurationException.class,
                () -> factory().create(context(Map.of("baton.file.dir", d + "/missing"))));
        assertEquals("baton.file.dir", missing.key());
        InvalidConfigurationException sync = assertThrows(InvalidConfigurationException.class,
                () -> factory().create(context(Map.of("baton.file.dir", d, "baton.file.sync", "yes"))));
        assertEquals("baton.file.sync", sync.key());
        InvalidConfigurationException poll = assertThrows(InvalidConfigurationException.class,
                () -> factory().create(context(Map.of("baton.file.dir", d, "baton.file.poll-interval", "soon"))));
        assertEquals("baton.file.poll-interval", poll.key());
    }

    @Test
    void lockTimeoutMustLeaveRoomWithinTheShortestLease() {
        String d = dir.toString();
        // 15 s shortest ttl: a 10 min lock timeout would let one call outlive the lease forty times over.
        InvalidConfigurationException tooLong = assertThrows(InvalidConfigurationException.class,
                () -> factory().create(context(Map.of("baton.file.dir", d, "baton.file.lock-timeout", "10m"))));
        assertEquals("baton.file.lock-timeout", tooLong.key());
        assertTrue(tooLong.getMessage().contains("half the shortest lease ttl (7500 ms)"), tooLong.getMessage());
        try (LeaseStore s = factory().create(context(Map.of("baton.file.dir", d, "baton.file.lock-timeout", "7s")))) {
            assertTrue(s.maxCallTime().compareTo(Duration.ofSeconds(15)) < 0, "maxCallTime " + s.maxCallTime());
        }
    }
}
