package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd-specific behaviour of the store: shared lease, sweeping, batch renewal, prefix isolation, watch. */
class EtcdLeaseStoreIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static EtcdLeaseStore store(String prefix) {
        return (EtcdLeaseStore) new EtcdLeaseStoreFactory().create(new MapStoreContext()
                .with(EtcdLeaseStoreFactory.ENDPOINTS, etcd.endpoints())
                .with(EtcdLeaseStoreFactory.KEY_PREFIX, prefix)
                .shortestTtl(TTL));
    }

    @Test
    void acquireRenewReleaseWithCreateRevisionAsToken() {
        try (LeaseStore a = store("/basic/"); LeaseStore b = store("/basic/")) {
            LeaseRecord granted = a.tryAcquire("job", "a", TTL).orElseThrow();
            assertEquals("a", granted.holder());
            assertTrue(granted.token() > 0);
            LeaseRecord seen = b.tryAcquire("job", "b", TTL).orElseThrow();
            assertEquals("a", seen.holder(), "b must see a's lease");
            assertEquals(granted.token(), seen.token());
            assertTrue(seen.remaining().compareTo(Duration.ZERO) > 0 && seen.remaining().compareTo(TTL) <= 0,
                    "remaining " + seen.remaining());
            assertEquals(granted.token(), a.renew("job", "a", granted.token(), TTL).orElseThrow().token());
            assertTrue(a.renew("job", "b", granted.token(), TTL).isEmpty(), "wrong holder must not renew");
            assertTrue(a.renew("job", "a", granted.token() + 1, TTL).isEmpty(), "wrong token must not renew");
            assertFalse(b.release("job", "b", granted.token()));
            assertTrue(a.release("job", "a", granted.token()));
            assertTrue(a.read("job").isEmpty());
            LeaseRecord next = b.tryAcquire("job", "b", TTL).orElseThrow();
            assertEquals("b", next.holder());
            assertTrue(next.token() > granted.token(), "tokens grow across holders");
        }
    }

    @Test
    void manyKeysShareOneEtcdLeaseAndAnUnrenewedKeyStillLapses() {
        try (EtcdLeaseStore a = store("/shared/"); LeaseStore b = store("/shared/")) {
            LeaseRecord kept = a.tryAcquire("kept", "a", TTL).orElseThrow();
            LeaseRecord dropped = a.tryAcquire("dropped", "a", TTL).orElseThrow();
            long end = System.nanoTime() + TTL.multipliedBy(3).toNanos();
            // Renew only "kept": the shared etcd lease stays alive, yet "dropped" must lapse about one ttl later.
            while (System.nanoTime() < end) {
                assertTrue(a.renew("kept", "a", kept.token(), TTL).isPresent(), "kept stays held");
                if (b.tryAcquire("dropped", "b", TTL).map(r -> r.heldBy("b")).orElse(false)) {
                    break;
                }
                sleep(100);
            }
            assertEquals("b", b.read("dropped").orElseThrow().holder(), "an unrenewed key lapses");
            assertTrue(a.renew("dropped", "a", dropped.token(), TTL).isEmpty());
        }
    }

    @Test
    void renewAllReadsInBatches() {
        try (EtcdLeaseStore a = store("/batch/"); LeaseStore b = store("/batch/")) {
            List<RenewRequest> requests = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                LeaseRecord r = a.tryAcquire("g" + i, "a", TTL).orElseThrow();
                requests.add(new RenewRequest("g" + i, "a", r.token(), TTL));
            }
            LeaseRecord other = b.tryAcquire("other", "b", TTL).orElseThrow();
            requests.add(new RenewRequest("other", "a", other.token(), TTL)); // not ours
            List<Optional<LeaseRecord>> results = a.renewAll(requests);
            assertEquals(requests.size(), results.size());
            for (int i = 0; i < 250; i++) {
                assertEquals(requests.get(i).token(), results.get(i).orElseThrow().token());
            }
            assertTrue(results.get(250).isEmpty());
        }
    }

    @Test
    void twoPrefixesDoNotSeeEachOther() throws Exception {
        try (LeaseStore outer = store("/iso/"); LeaseStore inner = store("/iso/nested")) {
            LeaseRecord o = outer.tryAcquire("nested/g", "outer", TTL).orElseThrow();
            LeaseRecord i = inner.tryAcquire("g", "inner", TTL).orElseThrow();
            assertEquals("outer", o.holder());
            assertEquals("inner", i.holder());
            CountDownLatch innerSaw = new CountDownLatch(1);
            CountDownLatch outerSaw = new CountDownLatch(1);
            inner.watch("nested/g", innerSaw::countDown);
            inner.watch("g", () -> { });
            outer.watch("nested/g", outerSaw::countDown);
            assertTrue(outer.release("nested/g", "outer", o.token()));
            assertTrue(outerSaw.await(5, TimeUnit.SECONDS), "the outer store's own watch fires");
            assertFalse(innerSaw.await(300, TimeUnit.MILLISECONDS), "the inner store saw the outer store's key");
            assertEquals("inner", inner.read("g").orElseThrow().holder());
            assertTrue(outer.read("g").isEmpty());
        }
    }

    @Test
    void watchFiresOnReleaseAndAcquire() throws Exception {
        try (LeaseStore a = store("/watch/"); LeaseStore b = store("/watch/")) {
            LeaseRecord r = a.tryAcquire("w", "a", TTL).orElseThrow();
            CountDownLatch released = new CountDownLatch(1);
            AutoCloseable handle = b.watch("w", released::countDown).orElseThrow();
            // The watch opens asynchronously: keep releasing and re-acquiring until it reports.
            Await.until("b's watch reports a's release", () -> {
                a.release("w", "a", a.read("w").map(LeaseRecord::token).orElse(r.token()));
                if (released.getCount() == 0) {
                    return true;
                }
                a.tryAcquire("w", "a", TTL);
                return false;
            }, Duration.ofSeconds(10));
            handle.close();
        }
    }

    @Test
    void gracefulHandoverIsDrivenByTheWatchNotByExpiry() {
        // A 30 s lease: a follower that waited for expiry would need 30 s; the watch makes it milliseconds.
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(30), Duration.ofSeconds(10));
        Baton a = Baton.builder().store(store("/handover/")).participant("a").defaults(settings).build();
        try (Baton b = Baton.builder().store(store("/handover/")).participant("b").defaults(settings).build()) {
            LeaderElection ea = a.election("job");
            Await.until("a leads", ea::isLeader, Duration.ofSeconds(10));
            long tokenA = ea.fencingToken().orElseThrow();
            LeaderElection eb = b.election("job");
            Await.until("b follows a", () -> eb.leader().filter("a"::equals).isPresent(), Duration.ofSeconds(10));
            long closed = System.nanoTime();
            a.close(); // graceful: releases the key, b's watch fires
            Await.until("b leads after a's release", eb::isLeader, Duration.ofSeconds(3));
            Duration took = Duration.ofNanos(System.nanoTime() - closed);
            assertTrue(took.compareTo(Timing.scaled(Duration.ofSeconds(3))) < 0, "handover took " + took);
            assertTrue(eb.fencingToken().orElseThrow() > tokenA, "b's token exceeds a's");
        } finally {
            a.close();
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
