package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * How many requests the store's operations send to ZooKeeper (counted by the store itself, so nothing here depends on
 * timing): a grant right after the watch reported a release is one transaction, and a batch of renewals is one
 * transaction that falls back lease by lease when one of them is no longer held. Safety is asserted on every answer.
 */
class ZooKeeperRoundTripsIT {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final Duration LIVENESS = Duration.ofSeconds(30);

    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @RegisterExtension
    final Closer toClose = new Closer();

    private ZooKeeperLeaseStore store() {
        return toClose.add(server.openStore("/baton-round-trips"));
    }

    @Test
    @DisplayName("after the watch reports a release, the follower's acquire is one transaction, with no read first")
    void grantAfterReleaseIsOneTransaction() throws Exception {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        String name = "handover-" + System.nanoTime();
        LeaseRecord first = a.tryAcquire(name, "a", LONG, Map.of("url", "a")).orElseThrow();
        AtomicInteger changes = new AtomicInteger();
        toClose.add(b.watch(name, changes::incrementAndGet).orElseThrow());
        assertEquals("a", b.tryAcquire(name, "b", LONG).orElseThrow().holder(), "a holds it");
        assertTrue(a.release(name, "a", first.token()));
        Await.until("b's watch reports the release", () -> changes.get() > 0, LIVENESS);

        long before = b.requestsSent();
        LeaseRecord granted = b.tryAcquire(name, "b", LONG, Map.of("url", "b")).orElseThrow();
        assertEquals(1, b.requestsSent() - before, "requests of the acquire after the release");
        assertTrue(granted.heldBy("b"));
        assertTrue(granted.token() > first.token(), "tokens increase across holders");
        LeaseRecord seen = a.read(name).orElseThrow();
        assertEquals("b", seen.holder());
        assertEquals(granted.token(), seen.token(), "the token is the holder node's czxid");
        assertEquals(Map.of("url", "b"), seen.metadata());
        // The grant remembered what it wrote: the renewal is one transaction too, and keeps the token.
        before = b.requestsSent();
        assertEquals(granted.token(), b.renew(name, "b", granted.token(), LONG).orElseThrow().token());
        assertEquals(1, b.requestsSent() - before, "requests of the renewal after that grant");
        assertTrue(a.tryAcquire(name, "a", LONG).filter(r -> r.heldBy("b")).isPresent(), "a is refused");
    }

    @Test
    @DisplayName("a stale release hint costs a failed transaction and the reads, never a grant over a holder")
    void staleHintIsHarmless() {
        ZooKeeperLeaseStore b = store();
        ZooKeeperLeaseStore c = store();
        String name = "stale-hint-" + System.nanoTime();
        AtomicInteger seenByB = new AtomicInteger();
        toClose.add(b.watch(name, seenByB::incrementAndGet).orElseThrow());
        LeaseRecord taken = c.tryAcquire(name, "c", LONG).orElseThrow();
        assertTrue(taken.heldBy("c"));
        // b's watch learns of c's grant on ZooKeeper's event thread; a hint planted before that would be replaced.
        Await.until("b's watch saw c's grant", () -> seenByB.get() > 0, LIVENESS);
        // As if b's watch had seen a release and not yet c's grant (events arrive late): the hint is stale.
        b.watcher().noteHolder(ZkNames.node(name), true);
        long before = b.requestsSent();
        LeaseRecord seen = b.tryAcquire(name, "b", LONG).orElseThrow();
        assertEquals("c", seen.holder(), "b must find c holding the lease");
        assertEquals(taken.token(), seen.token());
        // b, refused while it watches the lease, also becomes a candidate (one write, not awaited: see Candidacies).
        assertEquals(1 + 3 + 1, b.requestsSent() - before, "the failed grant, the reads and the clock, the candidacy");
        LeaseRecord still = c.renew(name, "c", taken.token(), LONG).orElseThrow();
        assertEquals(taken.token(), still.token(), "c's lease is untouched");
    }

    @Test
    @DisplayName("renewAll of held leases is one transaction; one lost lease makes the batch fall back per lease")
    void renewAllIsOneTransaction() {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        assertTrue(a.renewBatchLimit() > 1, "the store batches renewals");
        String prefix = "batch-" + System.nanoTime() + "-";
        List<RenewRequest> requests = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            LeaseRecord r = a.tryAcquire(prefix + i, "a", LONG, Map.of("n", Integer.toString(i))).orElseThrow();
            requests.add(new RenewRequest(r.name(), "a", r.token(), LONG));
        }
        long before = a.requestsSent();
        List<Optional<LeaseRecord>> renewed = a.renewAll(requests);
        assertEquals(1, a.requestsSent() - before, "requests of a batch of 5 held leases");
        for (int i = 0; i < 5; i++) {
            LeaseRecord r = renewed.get(i).orElseThrow();
            assertEquals(requests.get(i).name(), r.name(), "answers in the order of the requests");
            assertEquals(requests.get(i).token(), r.token(), "renewals keep the token");
            assertEquals(Map.of("n", Integer.toString(i)), r.metadata());
        }

        // Lease 2 is released behind a's back (by its holder id from another client: as after a lost answer) and
        // taken by b: the batch's transaction fails as a whole, and each lease gets renew's own answer.
        String lost = requests.get(2).name();
        assertTrue(b.release(lost, "a", requests.get(2).token()));
        LeaseRecord taken = b.tryAcquire(lost, "b", LONG).orElseThrow();
        assertTrue(taken.heldBy("b"));
        renewed = a.renewAll(requests);
        for (int i = 0; i < 5; i++) {
            if (i == 2) {
                assertEquals(Optional.empty(), renewed.get(i), "the lease b took over is not renewed");
            } else {
                assertEquals(requests.get(i).token(), renewed.get(i).orElseThrow().token());
            }
        }
        LeaseRecord seen = b.read(lost).orElseThrow();
        assertEquals("b", seen.holder(), "a's batch did not touch b's lease");
        assertEquals(taken.token(), seen.token());
        // The batch goes on without the lost lease in one transaction again.
        List<RenewRequest> rest = new ArrayList<>(requests);
        rest.remove(2);
        before = a.requestsSent();
        assertTrue(a.renewAll(rest).stream().allMatch(Optional::isPresent));
        assertEquals(1, a.requestsSent() - before, "requests of the batch without the lost lease");
    }

    @Test
    @DisplayName("close() leaves the session close to a thread of its own, and the client it opened is closed")
    void closeDoesNotWaitForTheSession() {
        ZooKeeperLeaseStore a = ZooKeeperLeaseStoreFactory.open(server.connectString(), "/baton-round-trips",
                Optional.empty(), Duration.ofSeconds(40), Duration.ofSeconds(5));
        String name = "close-" + System.nanoTime();
        LeaseRecord held = a.tryAcquire(name, "a", LONG).orElseThrow();
        assertTrue(a.release(name, "a", held.token()));
        a.close();
        a.close(); // idempotent
        Await.until("the store's own client is closed", () -> a.client().getState() == CuratorFrameworkState.STOPPED,
                LIVENESS);
        ZooKeeperLeaseStore b = store();
        assertEquals(Optional.empty(), b.read(name), "the release landed before the client closed");
    }

    @Test
    @DisplayName("renewAll by a store that did not grant the leases reads them all in one round trip, then renews")
    void renewAllByAnotherClientReadsFirst() {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore other = store();
        String prefix = "batch-read-" + System.nanoTime() + "-";
        List<RenewRequest> requests = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            LeaseRecord r = a.tryAcquire(prefix + i, "a", LONG).orElseThrow();
            requests.add(new RenewRequest(r.name(), "a", r.token(), LONG));
        }
        requests.add(new RenewRequest(prefix + "never-held", "a", 42, LONG));
        long before = other.requestsSent();
        List<Optional<LeaseRecord>> renewed = other.renewAll(requests);
        // Two reads per lease (counter and holder node), then one transaction for the three held ones.
        assertEquals(2 * 4 + 1, other.requestsSent() - before);
        for (int i = 0; i < 3; i++) {
            assertEquals(requests.get(i).token(), renewed.get(i).orElseThrow().token());
        }
        assertEquals(Optional.empty(), renewed.get(3), "a lease nobody holds is not renewed");
    }
}
