package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * etcd-specific behaviour of the store: shared lease, sweeping, batch renewal, prefix isolation, watch, leader metadata
 * in the key's value.
 *
 * <p>Only the test about lapsing uses a short lease ({@link #TTL}); the others hold {@link #LONG} leases, so a busy
 * machine cannot make a lease lapse in the middle of a test that is not about expiry. Stores get a patient 5 s call
 * timeout (the factory's for a 30 s ttl): a slow answer is not what these tests are about.
 */
class EtcdLeaseStoreIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration LONG = Duration.ofSeconds(30);
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);
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

    /** A store with the factory's call timeout for a {@link #LONG} ttl: 5 s. */
    private static EtcdLeaseStore store(String prefix) {
        return store(prefix, LONG);
    }

    private static EtcdLeaseStore store(String prefix, Duration shortestTtl) {
        return (EtcdLeaseStore) new EtcdLeaseStoreFactory().create(new MapStoreContext()
                .with(EtcdLeaseStoreFactory.ENDPOINTS, etcd.endpoints())
                .with(EtcdLeaseStoreFactory.KEY_PREFIX, prefix)
                .shortestTtl(shortestTtl));
    }

    @Test
    void acquireRenewReleaseWithCreateRevisionAsToken() {
        try (LeaseStore a = store("/basic/"); LeaseStore b = store("/basic/")) {
            LeaseRecord granted = a.tryAcquire("job", "a", LONG).orElseThrow();
            assertEquals("a", granted.holder());
            assertTrue(granted.token() > 0);
            LeaseRecord seen = b.tryAcquire("job", "b", LONG).orElseThrow();
            assertEquals("a", seen.holder(), "b must see a's lease");
            assertEquals(granted.token(), seen.token());
            assertTrue(seen.remaining().compareTo(Duration.ZERO) > 0 && seen.remaining().compareTo(LONG) <= 0,
                    "remaining " + seen.remaining());
            assertEquals(granted.token(), a.renew("job", "a", granted.token(), LONG).orElseThrow().token());
            assertTrue(a.renew("job", "b", granted.token(), LONG).isEmpty(), "wrong holder must not renew");
            assertTrue(a.renew("job", "a", granted.token() + 1, LONG).isEmpty(), "wrong token must not renew");
            assertFalse(b.release("job", "b", granted.token()));
            assertTrue(a.release("job", "a", granted.token()));
            assertTrue(a.read("job").isEmpty());
            LeaseRecord next = b.tryAcquire("job", "b", LONG).orElseThrow();
            assertEquals("b", next.holder());
            assertTrue(next.token() > granted.token(), "tokens grow across holders");
        }
    }

    @Test
    void manyKeysShareOneEtcdLeaseAndAnUnrenewedKeyStillLapses() {
        try (EtcdLeaseStore a = store("/shared/"); LeaseStore b = store("/shared/")) {
            // When the last renewal of "kept" that succeeded started, or 0 when a renewal failed since (then the
            // shared lease may have lapsed without a keep-alive, and a loss of "kept" proves nothing).
            long[] keptSince = {System.nanoTime()};
            LeaseRecord kept = a.tryAcquire("kept", "a", TTL).orElseThrow();
            LeaseRecord dropped = a.tryAcquire("dropped", "a", TTL).orElseThrow();
            // Renew only "kept": the shared etcd lease stays alive, yet "dropped" must lapse about one ttl later.
            Await.until("b takes the unrenewed key", () -> {
                long start = System.nanoTime();
                try {
                    Optional<LeaseRecord> renewed = a.renew("kept", "a", kept.token(), TTL);
                    if (renewed.isPresent()) {
                        keptSince[0] = start;
                    } else if (keptSince[0] != 0) {
                        // A successful renewal leaves the shared lease confirmed for at least 3/4 of a ttl and the key
                        // due a ttl later; a busy machine may leave a longer gap, so only a loss within that is wrong.
                        long since = start - keptSince[0];
                        assertTrue(since >= TTL.multipliedBy(3).dividedBy(4).toNanos(), "kept was lost "
                                + since / 1_000_000 + " ms after the start of its last successful renewal");
                    }
                } catch (LeaseStoreException slow) {
                    keptSince[0] = 0; // a call that timed out on a busy machine: not what this test is about
                }
                try {
                    return b.tryAcquire("dropped", "b", TTL).map(r -> r.heldBy("b")).orElse(false);
                } catch (LeaseStoreException slow) {
                    return false;
                }
            }, LIVENESS);
            assertEquals("b", b.read("dropped").orElseThrow().holder(), "an unrenewed key lapses");
            assertTrue(a.renew("dropped", "a", dropped.token(), TTL).isEmpty());
        }
    }

    @Test
    void renewAllReadsInBatches() {
        try (EtcdLeaseStore a = store("/batch/"); LeaseStore b = store("/batch/")) {
            List<RenewRequest> requests = new ArrayList<>();
            for (int i = 0; i < 250; i++) {
                LeaseRecord r = a.tryAcquire("g" + i, "a", LONG).orElseThrow();
                requests.add(new RenewRequest("g" + i, "a", r.token(), LONG));
            }
            LeaseRecord other = b.tryAcquire("other", "b", LONG).orElseThrow();
            requests.add(new RenewRequest("other", "a", other.token(), LONG)); // not ours
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
            LeaseRecord o = outer.tryAcquire("nested/g", "outer", LONG).orElseThrow();
            LeaseRecord i = inner.tryAcquire("g", "inner", LONG).orElseThrow();
            assertEquals("outer", o.holder());
            assertEquals("inner", i.holder());
            CountDownLatch innerSaw = new CountDownLatch(1);
            CountDownLatch innerReopened = new CountDownLatch(1);
            CountDownLatch outerSaw = new CountDownLatch(1);
            inner.watch("nested/g", innerSaw::countDown);
            // A control: a watch stream that reopens runs every callback ("look again"), this one too.
            inner.watch("g", innerReopened::countDown);
            outer.watch("nested/g", outerSaw::countDown);
            assertTrue(outer.release("nested/g", "outer", o.token()));
            assertTrue(outerSaw.await(Timing.scaled(LIVENESS).toMillis(), TimeUnit.MILLISECONDS),
                    "the outer store's own watch fires");
            // Observation window (not a synchronisation): the outer store's event has reached its own watch, so it
            // would have reached the inner one by now too, were the prefixes not isolated.
            if (innerSaw.await(300, TimeUnit.MILLISECONDS)) {
                assertTrue(innerReopened.await(Timing.scaled(LIVENESS).toMillis(), TimeUnit.MILLISECONDS),
                        "the inner store saw the outer store's key (its watch did not just reopen)");
            }
            assertEquals("inner", inner.read("g").orElseThrow().holder());
            assertTrue(outer.read("g").isEmpty());
        }
    }

    @Test
    void watchFiresOnReleaseAndAcquire() throws Exception {
        try (LeaseStore a = store("/watch/"); LeaseStore b = store("/watch/")) {
            LeaseRecord r = a.tryAcquire("w", "a", LONG).orElseThrow();
            CountDownLatch released = new CountDownLatch(1);
            AutoCloseable handle = b.watch("w", released::countDown).orElseThrow();
            // The watch opens asynchronously: keep releasing and re-acquiring until it reports.
            Await.until("b's watch reports a's release", () -> {
                try {
                    a.release("w", "a", a.read("w").map(LeaseRecord::token).orElse(r.token()));
                    if (released.getCount() == 0) {
                        return true;
                    }
                    a.tryAcquire("w", "a", LONG);
                } catch (LeaseStoreException slow) {
                    // a call that timed out on a busy machine: try again
                }
                return released.getCount() == 0;
            }, LIVENESS);
            handle.close();
        }
    }

    @Test
    void gracefulHandoverIsDrivenByTheWatchNotByExpiry() {
        // A 30 s lease: a follower that waited for expiry would need 30 s; the watch makes it milliseconds.
        ElectionSettings settings = ElectionSettings.of(Timing.scaled(Duration.ofSeconds(30)),
                Timing.scaled(Duration.ofSeconds(10)));
        Baton a = Baton.builder().store(store("/handover/", settings.ttl())).participant("a").defaults(settings)
                .build();
        try (Baton b = Baton.builder().store(store("/handover/", settings.ttl())).participant("b")
                .defaults(settings).build()) {
            LeaderElection ea = a.election("job");
            long tokenA = Await.untilPresent("a leads", () -> token(ea), LIVENESS);
            LeaderElection eb = b.election("job");
            Await.until("b follows a", () -> eb.leader().filter("a"::equals).isPresent(), LIVENESS);
            long closed = System.nanoTime();
            a.close(); // graceful: releases the key, b's watch fires
            long tokenB = Await.untilPresent("b leads after a's release", () -> token(eb), LIVENESS);
            Duration took = Duration.ofNanos(System.nanoTime() - closed);
            // Without the watch b would wait for a's lease to expire, a whole ttl; half of it is a generous bound.
            assertTrue(took.compareTo(settings.ttl().dividedBy(2)) < 0, "handover took " + took);
            assertTrue(tokenB > tokenA, "b's token exceeds a's");
        } finally {
            a.close();
        }
    }

    @Test
    void overASlowLinkARenewalIsTrustedFromItsRequest() throws Exception {
        // The engine trusts a grant until request time + remaining - margin: remaining must count from the request.
        // Counted from the answer, a renewal that waited for a keep-alive would be charged its round trip twice,
        // and every tenure on a slow link would end that much early.
        Duration ttl = Duration.ofSeconds(4);
        Duration oneWay = Duration.ofMillis(500);
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", etcd.clientPort(0));
                LeaseStore a = (EtcdLeaseStore) new EtcdLeaseStoreFactory().create(new MapStoreContext()
                        .with(EtcdLeaseStoreFactory.ENDPOINTS, "http://127.0.0.1:" + proxy.port())
                        .with(EtcdLeaseStoreFactory.KEY_PREFIX, "/slow-link/")
                        .shortestTtl(LONG))) {
            long token = a.tryAcquire("job", "a", ttl).orElseThrow().token();
            proxy.setDelay(oneWay);
            // The shared lease gets a keep-alive once less than three quarters of its ttl are confirmed.
            Thread.sleep(ttl.dividedBy(4).plusMillis(200).toMillis()); // fault timing: let a keep-alive fall due
            long t0 = System.nanoTime();
            LeaseRecord renewed = a.renew("job", "a", token, ttl).orElseThrow();
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertTrue(took.compareTo(oneWay.multipliedBy(2)) >= 0, "the renewal waited for a keep-alive: " + took);
            // The keep-alive left after t0, so etcd keeps the lease at least ttl after t0: the full ttl, not the ttl
            // less the round trip the engine already counts.
            assertTrue(renewed.remaining().compareTo(ttl.minus(oneWay)) > 0,
                    "remaining " + renewed.remaining() + " after a round trip of " + took);
        }
    }

    // ---- leader metadata ---------------------------------------------------------------------------------------

    private static final Map<String, String> META = Map.of("url", "http://a.example:8080/app", "zone", "eu ü &=%+",
            LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");

    /** The key as etcd has it now, read with a plain client. */
    private static KeyValue rawKey(Client raw, String prefix, String name) throws Exception {
        List<KeyValue> kvs = raw.getKVClient().get(new EtcdKeys(prefix).key(name)).get(30, TimeUnit.SECONDS).getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    @Test
    void renewalsLeaveTheKeyAndItsMetadataAloneAConfirmationReplacesIt() throws Exception {
        try (Client raw = etcd.client(); EtcdLeaseStore a = store("/meta-renew/");
                LeaseStore b = store("/meta-renew/")) {
            LeaseRecord granted = a.tryAcquire("job", "a", LONG, META).orElseThrow();
            assertEquals(META, granted.metadata());
            long written = rawKey(raw, "/meta-renew/", "job").getModRevision();
            for (int i = 0; i < 3; i++) {
                assertEquals(META, a.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
            }
            assertEquals(META, a.renewAll(List.of(new RenewRequest("job", "a", granted.token(), LONG))).get(0)
                    .orElseThrow().metadata());
            // Another client of the same holder has no record of the key: its renewal reads it.
            assertEquals(META, b.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
            // Onto another ttl's etcd lease: the key moves, its value stays.
            assertEquals(META, a.renew("job", "a", granted.token(), LONG.plusSeconds(5)).orElseThrow().metadata());
            KeyValue moved = rawKey(raw, "/meta-renew/", "job");
            assertTrue(moved.getModRevision() > written, "moved onto the other lease");
            written = moved.getModRevision();
            assertEquals(META, a.renew("job", "a", granted.token(), LONG.plusSeconds(5)).orElseThrow().metadata());
            assertEquals(META, a.tryAcquire("job", "a", LONG.plusSeconds(5), META).orElseThrow().metadata());
            assertEquals(written, rawKey(raw, "/meta-renew/", "job").getModRevision(),
                    "renewals and a confirmation with the same metadata on the same lease write nothing");

            Map<String, String> next = Map.of("url", "http://a.example:9090/");
            LeaseRecord confirmed = a.tryAcquire("job", "a", LONG.plusSeconds(5), next).orElseThrow();
            assertEquals(granted.token(), confirmed.token());
            assertEquals(next, confirmed.metadata());
            assertEquals(next, b.read("job").orElseThrow().metadata());
            assertEquals(next, a.renew("job", "a", granted.token(), LONG.plusSeconds(5)).orElseThrow().metadata());
            assertTrue(b.release("job", "a", granted.token()),
                    "another client of the holder releases: it learns the value from the refused compare");
            assertNull(rawKey(raw, "/meta-renew/", "job"));
        }
    }

    @Test
    void aValueOfAnEarlierVersionReadsWithoutMetadataAndIsTakenOverWithIt() throws Exception {
        try (Client raw = etcd.client(); LeaseStore a = store("/meta-old/"); LeaseStore b = store("/meta-old/")) {
            // Exactly what versions before leader metadata wrote: the holder id alone, on an etcd lease.
            long leaseId = raw.getLeaseClient().grant(30).get(30, TimeUnit.SECONDS).getID();
            raw.getKVClient().put(new EtcdKeys("/meta-old/").key("job"),
                    ByteSequence.from("old ü", StandardCharsets.UTF_8),
                    PutOption.builder().withLeaseId(leaseId).build()).get(30, TimeUnit.SECONDS);
            LeaseRecord seen = a.read("job").orElseThrow();
            assertEquals("old ü", seen.holder());
            assertEquals(Map.of(), seen.metadata());
            assertEquals("old ü", b.tryAcquire("job", "b", LONG, META).orElseThrow().holder(),
                    "held by the old holder");
            assertEquals(Map.of(), a.renew("job", "old ü", seen.token(), LONG).orElseThrow().metadata());
            assertTrue(a.release("job", "old ü", seen.token()), "released with a compare on the old value");
            LeaseRecord next = b.tryAcquire("job", "b", LONG, META).orElseThrow();
            assertEquals("b", next.holder());
            assertTrue(next.token() > seen.token());
            assertEquals(META, a.read("job").orElseThrow().metadata());
        }
    }

    @Test
    void metadataThatCannotBeDecodedReadsAsEmptyNeverAsAnError() throws Exception {
        try (Client raw = etcd.client(); LeaseStore a = store("/meta-odd/")) {
            long leaseId = raw.getLeaseClient().grant(30).get(30, TimeUnit.SECONDS).getID();
            raw.getKVClient().put(new EtcdKeys("/meta-odd/").key("job"),
                    ByteSequence.from("someone\0no-equals-sign", StandardCharsets.UTF_8),
                    PutOption.builder().withLeaseId(leaseId).build()).get(30, TimeUnit.SECONDS);
            LeaseRecord seen = a.read("job").orElseThrow();
            assertEquals("someone", seen.holder());
            assertEquals(Map.of(), seen.metadata());
            LeaseRecord refused = a.tryAcquire("job", "a", LONG, META).orElseThrow();
            assertEquals("someone", refused.holder());
            assertEquals(Map.of(), refused.metadata());
        }
    }

    private static Optional<Long> token(LeaderElection election) {
        OptionalLong t = election.fencingToken();
        return t.isPresent() ? Optional.of(t.getAsLong()) : Optional.empty();
    }
}
