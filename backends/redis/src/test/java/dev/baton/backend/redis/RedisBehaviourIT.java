package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import io.lettuce.core.RedisClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis-specific behaviour beyond the TCK: script cache loss, key layout, prefixes, a hung server, own clients. */
class RedisBehaviourIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);

    @RegisterExtension
    static final RedisServer SERVER = RedisServer.appendOnly();

    private final List<LeaseStore> stores = new java.util.concurrent.CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(LeaseStore::close);
    }

    private LeaseStore store(String prefix) {
        LeaseStore s = RedisLeaseStore.builder().uri(SERVER.uri()).keyPrefix(prefix).timeout(Duration.ofSeconds(2))
                .build();
        stores.add(s);
        return s;
    }

    @Test
    @DisplayName("NOSCRIPT after SCRIPT FLUSH is handled: every operation reloads its script and succeeds")
    void scriptFlush() {
        LeaseStore s = store("baton:");
        LeaseRecord r = s.tryAcquire("flushed", "a", TTL).orElseThrow();
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            admin.sync().scriptFlush();
            assertEquals(List.of(false), admin.sync().scriptExists(LeaseScripts.RENEW.sha1()));
            assertEquals(r.token(), s.renew("flushed", "a", r.token(), TTL).orElseThrow().token());
            assertEquals(List.of(true), admin.sync().scriptExists(LeaseScripts.RENEW.sha1()),
                    "the script is cached again after the EVAL fallback");
            admin.sync().scriptFlush();
            assertEquals("a", s.read("flushed").orElseThrow().holder());
            admin.sync().scriptFlush();
            assertEquals(r.token(), s.tryAcquire("flushed", "a", TTL).orElseThrow().token());
            admin.sync().scriptFlush();
            assertTrue(s.release("flushed", "a", r.token()));
        }
    }

    @Test
    @DisplayName("keys are {prefix+name}:lease (a hash of holder and token with a PX expiry) and {prefix+name}:token")
    void keyLayout() {
        LeaseStore s = store("layout:");
        LeaseRecord r = s.tryAcquire("reports", "a", TTL).orElseThrow();
        LeaseRecord odd = s.tryAcquire("odd}{name", "b", TTL).orElseThrow();
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            assertEquals(Map.of("holder", "a", "token", Long.toString(r.token())),
                    admin.sync().hgetall("{layout:reports}:lease"));
            long pttl = admin.sync().pttl("{layout:reports}:lease");
            assertTrue(pttl > 0 && pttl <= TTL.toMillis(), "pttl " + pttl);
            assertEquals(Long.toString(r.token()), admin.sync().get("{layout:reports}:token"));
            assertTrue(admin.sync().pttl("{layout:reports}:token") > TTL.toMillis(), "the token key outlives the lease");
            String encoded = "{layout:" + LeaseKeys.encode("odd}{name") + "}:lease";
            assertEquals("b", admin.sync().hget(encoded, "holder"));
            assertEquals(Long.toString(odd.token()), admin.sync().hget(encoded, "token"));
        }
    }

    @Test
    @DisplayName("two prefixes do not see each other's leases or releases")
    void prefixesIsolated() {
        LeaseStore a = store("tenant-a:");
        LeaseStore b = store("tenant-b:");
        AtomicInteger wokenA = new AtomicInteger();
        AtomicInteger wokenB = new AtomicInteger();
        a.watch("shared", wokenA::incrementAndGet);
        b.watch("shared", wokenB::incrementAndGet);
        // Each subscription wakes its watchers once when established: that is the point from which counting is exact.
        Await.until("both subscriptions are established", () -> wokenA.get() == 1 && wokenB.get() == 1, LIVENESS);

        LeaseRecord ra = a.tryAcquire("shared", "x", TTL).orElseThrow();
        LeaseRecord rb = b.tryAcquire("shared", "y", TTL).orElseThrow();
        assertEquals("x", ra.holder());
        assertEquals("y", rb.holder(), "b's lease of the same name is separate from a's");
        assertEquals("x", a.read("shared").orElseThrow().holder());

        assertTrue(a.release("shared", "x", ra.token()));
        Await.until("a's watcher sees a's release", () -> wokenA.get() == 2, LIVENESS);
        assertEquals("y", b.read("shared").orElseThrow().holder(), "a's release left b's lease");
        assertTrue(b.release("shared", "y", rb.token()));
        // Redis delivers to b's connection in order: had a's release reached b, b would count 3 after its own.
        Await.until("b's watcher sees b's release", () -> wokenB.get() >= 2, LIVENESS);
        assertEquals(2, wokenB.get(), "b's watcher woke for a's release");
        assertEquals(2, wokenA.get(), "a's watcher woke for b's release");
    }

    @Test
    @DisplayName("one subscription serves many watched names and wakes only the released name's watchers")
    void multiplexedWatch() {
        LeaseStore s = store("mux:");
        AtomicInteger one = new AtomicInteger();
        AtomicInteger two = new AtomicInteger();
        s.watch("one", one::incrementAndGet);
        s.watch("two", two::incrementAndGet);
        // The subscription wakes the watchers registered when it is established: 'one' surely, 'two' too unless the
        // subscription was already up when 'two' registered (a race the test does not control).
        Await.until("the subscription is established", () -> one.get() == 1, LIVENESS);
        LeaseRecord r = store("mux:").tryAcquire("one", "h", TTL).orElseThrow();
        LeaseStore holder = stores.get(stores.size() - 1);
        assertTrue(holder.release("one", "h", r.token()));
        Await.until("the watcher of 'one' wakes", () -> one.get() == 2, LIVENESS);
        // Wake-ups run in order on one thread: any wake-up of 'two' by the subscription ran before 'one's release.
        int twoBefore = two.get();
        assertTrue(twoBefore <= 1, "'two' woke " + twoBefore + " times although only the subscription could wake it");
        LeaseRecord r2 = holder.tryAcquire("two", "h", TTL).orElseThrow();
        assertTrue(holder.release("two", "h", r2.token()));
        Await.until("the watcher of 'two' wakes", () -> two.get() == twoBefore + 1, LIVENESS);
        assertEquals(2, one.get(), "'one' was not released again");
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            assertEquals(1L, admin.sync().pubsubNumsub("mux:released").get("mux:released"),
                    "one subscription for the store, not one per name");
        }
    }

    @Test
    @DisplayName("a frozen server (SIGSTOP) makes calls fail within maxCallTime; they work again after SIGCONT")
    void hungServer() {
        LeaseStore s = RedisLeaseStore.builder().uri(SERVER.uri()).timeout(Duration.ofMillis(500)).build();
        stores.add(s);
        LeaseRecord r = s.tryAcquire("frozen", "a", TTL).orElseThrow();
        SERVER.process().pause();
        try {
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                LeaseStoreException e = assertThrows(LeaseStoreException.class,
                        () -> s.renew("frozen", "a", r.token(), TTL));
                Duration took = Duration.ofNanos(System.nanoTime() - t0);
                // Bounded by maxCallTime instead of hanging on the frozen server (the lease is 30 s); the slack only
                // absorbs a busy machine's scheduling delays.
                assertTrue(took.compareTo(s.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2)))) <= 0,
                        "a call took " + took.toMillis() + " ms; maxCallTime is " + s.maxCallTime().toMillis() + " ms");
                assertTrue(e.getMessage().contains("did not answer renewal of lease 'frozen' within 500 ms"),
                        e.getMessage());
            }
        } finally {
            SERVER.process().resume();
        }
        LeaseRecord renewed = Await.untilPresent("a renewal after SIGCONT", () -> {
            try {
                return s.renew("frozen", "a", r.token(), TTL);
            } catch (LeaseStoreException e) {
                return Optional.empty();
            }
        }, LIVENESS);
        assertEquals(r.token(), renewed.token());
    }

    @Test
    @DisplayName("an application's RedisClient is used (with or without baton.redis.uri) and left running on close")
    void applicationClient() {
        RedisClient client = RedisClient.create(SERVER.uri());
        try {
            LeaseStore viaDefault = new RedisLeaseStoreFactory().create(new MapStoreContext().client(RedisClient.class,
                    client));
            LeaseRecord r = viaDefault.tryAcquire("app-client", "a", TTL).orElseThrow();
            assertEquals("redis the application's RedisClient (key prefix 'baton:')", viaDefault.describe());
            viaDefault.close();
            LeaseStore viaUri = new RedisLeaseStoreFactory().create(new MapStoreContext().client(RedisClient.class, client)
                    .with("baton.redis.uri", SERVER.uri()));
            assertEquals("a", viaUri.read("app-client").orElseThrow().holder());
            assertTrue(viaUri.release("app-client", "a", r.token()));
            viaUri.close();
            try (var c = client.connect()) {
                assertEquals("PONG", c.sync().ping(), "the application's client still works after the stores closed");
            }
        } finally {
            client.shutdown();
        }
    }

    @Test
    @DisplayName("a key of another type under the prefix gives a clear error, not a wrong answer")
    void foreignKey() {
        LeaseStore s = store("foreign:");
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            admin.sync().set("{foreign:clash}:lease", "not a hash");
        }
        LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> s.tryAcquire("clash", "a", TTL));
        assertTrue(e.getMessage().contains("WRONGTYPE"), e.getMessage());
        assertNotEquals(Optional.empty(), Optional.of(e));
        assertFalse(e.getMessage().isBlank());
    }
}
