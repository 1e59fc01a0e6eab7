package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ServiceLoader;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The factory's configuration handling; no server needed (an unused port stands for "Redis is down"). */
class RedisLeaseStoreFactoryTest {
    private final RedisLeaseStoreFactory factory = new RedisLeaseStoreFactory();

    @Test
    @DisplayName("is found by ServiceLoader under the name 'redis' and is not single-host")
    void serviceLoader() {
        LeaseStoreFactory found = ServiceLoader.load(LeaseStoreFactory.class).stream()
                .map(ServiceLoader.Provider::get).filter(f -> f.name().equals("redis")).findFirst().orElseThrow();
        assertInstanceOf(RedisLeaseStoreFactory.class, found);
        assertFalse(found.singleHost());
    }

    @Test
    @DisplayName("without a URI or a client, names baton.redis.uri and what it accepts")
    void missingUri() {
        InvalidConfigurationException e =
                assertThrows(InvalidConfigurationException.class, () -> factory.create(new MapStoreContext()));
        assertEquals("baton.redis.uri", e.key());
        assertTrue(e.getMessage().contains("redis://localhost:6379"), e.getMessage());
    }

    @Test
    @DisplayName("a URI Lettuce would accept leniently (a port that is not a number) fails deployment, naming why")
    void lenientlyParsedUri() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(new MapStoreContext().with("baton.redis.uri", "redis://:hunter2@host:notaport")));
        assertEquals("baton.redis.uri", e.key());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("the port 'notaport' of host is not a number from 1 to 65535"),
                e.getMessage());
    }

    @Test
    @DisplayName("an unparseable URI is reported with its password masked")
    void badUri() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(new MapStoreContext().with("baton.redis.uri", "foo://app:hunter2@host:6379")));
        assertEquals("baton.redis.uri", e.key());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
        assertTrue(e.getMessage().contains("foo://app:***@host:6379"), e.getMessage());
    }

    @Test
    @DisplayName("a prefix with a brace is refused, naming the key")
    void badPrefix() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(uriOfNothing().with("baton.redis.key-prefix", "{app}:")));
        assertEquals("baton.redis.key-prefix", e.key());
        assertTrue(e.getMessage().contains("'{'"), e.getMessage());
    }

    @Test
    @DisplayName("a timeout longer than half the shortest ttl is refused; an unparseable one too")
    void badTimeout() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                uriOfNothing().with("baton.redis.timeout", "3s").shortestTtl(Duration.ofSeconds(4))));
        assertEquals("baton.redis.timeout", e.key());
        assertTrue(e.getMessage().contains("2000ms"), e.getMessage());
        assertThrows(InvalidConfigurationException.class,
                () -> factory.create(uriOfNothing().with("baton.redis.timeout", "soon")));
    }

    @Test
    @DisplayName("the default timeout is the shorter of 5 s and a third of the shortest ttl")
    void defaultTimeout() {
        try (LeaseStore s = factory.create(uriOfNothing().shortestTtl(Duration.ofSeconds(3)))) {
            assertEquals(Duration.ofSeconds(1), s.maxCallTime());
        }
        try (LeaseStore s = factory.create(uriOfNothing().shortestTtl(Duration.ofSeconds(60)))) {
            assertEquals(Duration.ofSeconds(5), s.maxCallTime());
        }
        try (LeaseStore s = factory.create(uriOfNothing().with("baton.redis.timeout", "750ms"))) {
            assertEquals(Duration.ofMillis(750), s.maxCallTime());
        }
    }

    @Test
    @DisplayName("Redis being down at creation is tolerated: the store fails each call in time, saying where")
    void downAtCreation() {
        MapStoreContext context = uriOfNothing().with("baton.redis.timeout", "500ms");
        try (LeaseStore s = factory.create(context)) {
            assertTrue(s.describe().startsWith("redis redis://127.0.0.1:"), s.describe());
            long t0 = System.nanoTime();
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> s.tryAcquire("reports", "a", Duration.ofSeconds(5)));
            // Bounded by the call timeout instead of hanging; the slack only absorbs a busy machine's scheduling.
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(s.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2)))) <= 0,
                    "took " + took.toMillis() + " ms; the call timeout is " + s.maxCallTime().toMillis() + " ms");
            assertTrue(e.getMessage().contains("127.0.0.1"), e.getMessage());
            assertTrue(e.getMessage().contains("acquire of lease 'reports'"), e.getMessage());
        }
    }

    @Test
    @DisplayName("baton.redis.restart-quarantine: auto by default; auto, always and off in any case; anything else is "
            + "refused naming the key, the value and the valid values")
    void restartQuarantine() {
        try (LeaseStore s = factory.create(uriOfNothing())) {
            assertEquals(RestartQuarantine.AUTO, ((RedisLeaseStore) s).restartQuarantine());
        }
        try (LeaseStore s = factory.create(uriOfNothing().with("baton.redis.restart-quarantine", " OFF "))) {
            assertEquals(RestartQuarantine.OFF, ((RedisLeaseStore) s).restartQuarantine());
        }
        try (LeaseStore s = factory.create(uriOfNothing().with("baton.redis.restart-quarantine", "always"))) {
            assertEquals(RestartQuarantine.ALWAYS, ((RedisLeaseStore) s).restartQuarantine());
        }
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> factory.create(uriOfNothing().with("baton.redis.restart-quarantine", "sometimes")));
        assertEquals("baton.redis.restart-quarantine", e.key());
        assertEquals("sometimes", e.value().orElseThrow());
        assertTrue(e.getMessage().startsWith("baton.redis.restart-quarantine='sometimes' is invalid; expected auto ("),
                e.getMessage());
        assertTrue(e.getMessage().contains("always (") && e.getMessage().contains("or off ("), e.getMessage());
    }

    private static MapStoreContext uriOfNothing() {
        return new MapStoreContext().with("baton.redis.uri", "redis://127.0.0.1:" + FreePorts.next());
    }
}
