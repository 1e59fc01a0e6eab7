package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.StoreOperation;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.tck.fixtures.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The handover grant (issue 18): a leader's release hands the lease to a watching follower that was refused (its
 * candidacy) in the same transaction, and the follower takes it with one read. Requests are counted by the store
 * itself; safety (one holder, growing tokens, a successor's deadline before the lease's expiry) is asserted on every
 * answer.
 */
class ZooKeeperHandoverIT {
    private static final Duration TTL = Duration.ofSeconds(20);
    private static final Duration LIVENESS = Duration.ofSeconds(30);

    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @RegisterExtension
    final Closer toClose = new Closer();

    private ZooKeeperLeaseStore store() {
        return toClose.add(server.openStore("/baton-handover"));
    }

    /** The metadata as the engine sends it: its own entries and {@code baton.since}, new with every acquire. */
    private static Map<String, String> engineMetadata(String url, String since) {
        return Map.of("url", url, LeaderMetadata.SINCE, since);
    }

    private static Map<String, String> withoutSince(Map<String, String> metadata) {
        Map<String, String> rest = new java.util.HashMap<>(metadata);
        rest.remove(LeaderMetadata.SINCE);
        return rest;
    }

    private static boolean candidacyExists(ZooKeeperLeaseStore s, String name, String holder) {
        try {
            return s.client().checkExists().forPath(s.candidacies().path(ZkNames.node(name), holder)) != null;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitCandidateSeen(ZooKeeperLeaseStore leader, String name, String holder) {
        Await.until(holder + "'s candidacy seen by the leader's store",
                () -> leader.candidacies().next(ZkNames.node(name), "nobody").filter(c -> c.holder().equals(holder))
                        .isPresent(), LIVENESS);
    }

    /**
     * a leads the lease, watching it as an election does; b watches it too and is refused: a candidate, which a's
     * store has seen.
     */
    private record Scene(ZooKeeperLeaseStore a, ZooKeeperLeaseStore b, String name, LeaseRecord first,
            AtomicInteger changes, AutoCloseable bWatch) {}

    private Scene leaderAndCandidate(String prefix, Map<String, String> aMetadata, Map<String, String> bMetadata) {
        return leaderAndCandidate(prefix, store(), store(), aMetadata, bMetadata);
    }

    private Scene leaderAndCandidate(String prefix, ZooKeeperLeaseStore a, ZooKeeperLeaseStore b,
            Map<String, String> aMetadata, Map<String, String> bMetadata) {
        return leaderAndCandidate(prefix, a, b, aMetadata, bMetadata, name -> () -> { });
    }

    /** As above, b's watch callback also running what {@code alsoOnChange} makes for the lease's name. */
    private Scene leaderAndCandidate(String prefix, ZooKeeperLeaseStore a, ZooKeeperLeaseStore b,
            Map<String, String> aMetadata, Map<String, String> bMetadata, Function<String, Runnable> alsoOnChange) {
        String name = prefix + "-" + System.nanoTime();
        Runnable also = alsoOnChange.apply(name);
        toClose.add(a.watch(name, () -> { }).orElseThrow());
        LeaseRecord first = a.tryAcquire(name, "a", TTL, aMetadata).orElseThrow();
        assertTrue(first.heldBy("a"));
        AtomicInteger changes = new AtomicInteger();
        AutoCloseable bWatch = toClose.add(b.watch(name, () -> {
            changes.incrementAndGet();
            also.run();
        }).orElseThrow());
        assertEquals("a", b.tryAcquire(name, "b", TTL, bMetadata).orElseThrow().holder(), "a holds it");
        assertTrue(candidacyExists(b, name, "b"), "b, refused while watching, is a candidate");
        awaitCandidateSeen(a, name, "b");
        return new Scene(a, b, name, first, changes, bWatch);
    }

    @Test
    @DisplayName("a release hands the lease to a refused, watching follower: its acquire takes it from the watch's"
            + " events, waiting for no request")
    void handoverIsTakenFromTheWatch() throws Exception {
        Scene scene = leaderAndCandidate("handover", engineMetadata("a", "2026-12-06T00:00:00Z"),
                engineMetadata("b", "2026-12-06T00:00:01Z"));
        ZooKeeperLeaseStore a = scene.a();
        ZooKeeperLeaseStore b = scene.b();
        String name = scene.name();
        LeaseRecord first = scene.first();
        AtomicInteger changes = scene.changes();

        long releaseStart = System.nanoTime();
        long aBefore = a.requestsSent();
        long bBefore = b.requestsSent();
        assertTrue(a.release(name, "a", first.token()));
        assertEquals(1, a.requestsSent() - aBefore, "the release with the handover is one transaction");
        Await.until("b's watch reports the change", () -> changes.get() > 0, LIVENESS);

        long t0 = System.nanoTime();
        long seenBefore = b.handoversSeen();
        LeaseRecord granted = b.tryAcquire(name, "b", TTL, engineMetadata("b", "2026-12-06T00:00:02Z"))
                .orElseThrow();
        assertEquals(1, b.handoversSeen() - seenBefore, "taken from the watch's events (ZooKeeper 3.9 sends zxids)");
        assertEquals(0, b.requestsSent() - bBefore, "the successor sends no request");
        assertTrue(granted.heldBy("b"), "handed to b: " + granted);
        assertTrue(granted.token() > first.token(), "tokens increase across holders");
        assertTrue(granted.remaining().compareTo(TTL) < 0, "counted from before the grant: " + granted.remaining());
        // Safety: the successor's local deadline (before the engine's margin) ends no later than the lease's expiry,
        // which counts from the release's mtime, stamped after releaseStart.
        assertTrue(t0 + granted.remaining().toNanos() - (releaseStart + TTL.toNanos()) <= 0,
                "the successor's deadline passes the lease's expiry");
        assertFalse(candidacyExists(b, name, "b"), "the handover consumed the candidacy");

        LeaseRecord seen = a.read(name).orElseThrow();
        assertEquals("b", seen.holder());
        assertEquals(granted.token(), seen.token(), "the token is the holder node's czxid");
        assertEquals("b", seen.metadata().get("url"), "the candidate's metadata came with the handover");
        assertNotNull(seen.metadata().get(LeaderMetadata.SINCE));
        assertNotEquals("2026-12-06T00:00:01Z", seen.metadata().get(LeaderMetadata.SINCE),
                "baton.since is the handover's instant, not the candidacy's");
        assertEquals(withoutSince(seen.metadata()), withoutSince(granted.metadata()),
                "the successor reports what others read");
        // baton.since: the successor's is its acquire's instant, the node's the leader's instant of the handover.
        assertEquals("2026-12-06T00:00:02Z", granted.metadata().get(LeaderMetadata.SINCE));

        // Renewals of a handed-over lease work as after any grant, the token kept: the first reads the counter's
        // version first (two reads in one round trip, then a transaction), the next are one transaction.
        bBefore = b.requestsSent();
        assertEquals(granted.token(), b.renew(name, "b", granted.token(), TTL).orElseThrow().token());
        assertEquals(3, b.requestsSent() - bBefore, "requests of the first renewal after the handover");
        bBefore = b.requestsSent();
        assertEquals(granted.token(), b.renew(name, "b", granted.token(), TTL).orElseThrow().token());
        assertEquals(1, b.requestsSent() - bBefore, "requests of the next renewal");
        assertTrue(a.tryAcquire(name, "a", TTL).filter(r -> r.heldBy("b")).isPresent(), "a is refused");
        // And the lease goes back the same way.
        awaitCandidateSeen(b, name, "a");
        assertTrue(b.release(name, "b", granted.token()));
        LeaseRecord back = a.tryAcquire(name, "a", TTL).orElseThrow();
        assertTrue(back.heldBy("a") && back.token() > granted.token(), "handed back to a: " + back);
    }

    @Test
    @DisplayName("on an application's Curator client with a namespace, the watch sees the handover the same way")
    void namespacedClientSeesTheHandover() throws Exception {
        ZooKeeperLeaseStore a = namespacedStore();
        ZooKeeperLeaseStore b = namespacedStore();
        Scene scene = leaderAndCandidate("namespaced", a, b, Map.of(), Map.of());
        assertTrue(a.release(scene.name(), "a", scene.first().token()));
        Await.until("b's watch reports the change", () -> scene.changes().get() > 0, LIVENESS);
        long seenBefore = b.handoversSeen();
        LeaseRecord granted = b.tryAcquire(scene.name(), "b", TTL).orElseThrow();
        assertTrue(granted.heldBy("b") && granted.token() > scene.first().token(), "handed to b: " + granted);
        assertEquals(1, b.handoversSeen() - seenBefore, "taken from the watch's events");
        assertEquals(granted.token(), a.read(scene.name()).orElseThrow().token());
        CuratorFramework plain = toClose.add(CuratorFrameworkFactory.newClient(server.connectString(),
                new RetryOneTime(100)));
        plain.start();
        assertNotNull(plain.checkExists().forPath("/app-ns/baton-handover/leases/" + ZkNames.node(scene.name())
                + "/holder"), "the nodes are under the client's namespace");
    }

    /** A store on an application's client whose namespace is {@code app-ns} (the store does not close it). */
    private ZooKeeperLeaseStore namespacedStore() {
        CuratorFramework client = toClose.add(CuratorFrameworkFactory.builder().connectString(server.connectString())
                .namespace("app-ns").retryPolicy(new RetryOneTime(100)).build());
        client.start();
        return toClose.add(new ZooKeeperLeaseStore(client, false, "/baton-handover", Duration.ofSeconds(5),
                "zookeeper (test client, namespace app-ns)"));
    }

    @Test
    @DisplayName("when the candidate left, the release falls back to a plain one and the lease is free")
    void candidateGoneFallsBack() throws Exception {
        ZooKeeperLeaseStore a = store();
        String name = "fallback-" + System.nanoTime();
        toClose.add(a.watch(name, () -> { }).orElseThrow());
        LeaseRecord first = a.tryAcquire(name, "a", TTL).orElseThrow();
        // A view the watch did not correct in time: a candidate whose node is gone.
        String node = ZkNames.node(name);
        ZkCandidacy ghost = new ZkCandidacy(new ZkLeaseData(TTL.toMillis(), "ghost").encode(), new byte[0]);
        a.candidacies().noteCandidate(node, new Candidacies.Candidate(a.candidacies().path(node, "ghost"), "ghost",
                0, 1, ghost));
        long before = a.requestsSent();
        assertTrue(a.release(name, "a", first.token()));
        assertEquals(2, a.requestsSent() - before, "the failed handover, then the plain release");
        assertEquals(Optional.empty(), a.read(name), "released, free, nobody handed it");
        LeaseRecord next = a.tryAcquire(name, "c", TTL).orElseThrow();
        assertTrue(next.heldBy("c") && next.token() > first.token());
    }

    @Test
    @DisplayName("a one-off acquire without a watch is never a candidate: the release leaves the lease free")
    void oneOffAcquireIsNoCandidate() throws Exception {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        String name = "one-off-" + System.nanoTime();
        toClose.add(a.watch(name, () -> { }).orElseThrow());
        LeaseRecord first = a.tryAcquire(name, "a", TTL).orElseThrow();
        assertEquals("a", b.tryAcquire(name, "b", TTL).orElseThrow().holder());
        assertFalse(candidacyExists(b, name, "b"), "no candidacy without a watch");
        // A watch on another lease does not count either.
        toClose.add(b.watch(name + "-other", () -> { }).orElseThrow());
        assertEquals("a", b.tryAcquire(name, "b", TTL).orElseThrow().holder());
        assertFalse(candidacyExists(b, name, "b"), "no candidacy without a watch of that lease");
        assertTrue(a.release(name, "a", first.token()));
        assertEquals(Optional.empty(), a.read(name), "free after the release");
    }

    @Test
    @DisplayName("closing the watch withdraws the candidacy: the release then leaves the lease free")
    void closedWatchWithdraws() throws Exception {
        Scene scene = leaderAndCandidate("withdrawn", Map.of(), Map.of());
        ZooKeeperLeaseStore a = scene.a();
        ZooKeeperLeaseStore b = scene.b();
        String name = scene.name();
        LeaseRecord first = scene.first();
        scene.bWatch().close();
        Await.until("b's candidacy is deleted", () -> !candidacyExists(b, name, "b"), LIVENESS);
        Await.until("a's view drops it", () -> a.candidacies().next(ZkNames.node(name), "a").isEmpty(), LIVENESS);
        assertTrue(a.release(name, "a", first.token()));
        assertEquals(Optional.empty(), a.read(name), "free after the release");
    }

    @Test
    @DisplayName("a release with a stale token is refused and hands nothing over")
    void staleReleaseHandsNothing() throws Exception {
        Scene scene = leaderAndCandidate("stale-release", Map.of(), Map.of());
        ZooKeeperLeaseStore a = scene.a();
        ZooKeeperLeaseStore b = scene.b();
        String name = scene.name();
        LeaseRecord first = scene.first();
        assertFalse(a.release(name, "a", first.token() - 1), "a stale token is refused");
        assertFalse(a.release(name, "x", first.token()), "another holder is refused");
        LeaseRecord still = a.read(name).orElseThrow();
        assertEquals("a", still.holder());
        assertEquals(first.token(), still.token());
        assertTrue(candidacyExists(b, name, "b"), "the candidacy is untouched");
        assertEquals(first.token(), a.renew(name, "a", first.token(), TTL).orElseThrow().token(), "a still holds it");
    }

    /** What b's watch callback got from {@code takeHandedOver}, asked as an election asks. */
    private record Taking(CompletableFuture<LeaseRecord> taken, AtomicReference<String> thread) {
        Taking() {
            this(new CompletableFuture<>(), new AtomicReference<>());
        }

        /** @return a callback that asks {@code b} for the lease {@code name} with {@code asked} */
        Runnable asking(ZooKeeperLeaseStore b, String name, Map<String, String> asked) {
            return () -> b.takeHandedOver(name, "b", TTL, asked).ifPresent(granted -> {
                thread.set(Thread.currentThread().getName());
                taken.complete(granted);
            });
        }
    }

    @Test
    @DisplayName("asked from the watch callback, as an election does: the grant the events proved, on ZooKeeper's event"
            + " thread, with no request; taken once; renewed as any grant")
    void takenInTheWatchCallback() throws Exception {
        ZooKeeperLeaseStore b = store();
        Taking taking = new Taking();
        Scene scene = leaderAndCandidate("take", store(), b, Map.of(), engineMetadata("b", "2026-12-06T00:00:01Z"),
                name -> taking.asking(b, name, engineMetadata("b", "2026-12-06T00:00:02Z")));
        ZooKeeperLeaseStore a = scene.a();
        String name = scene.name();
        LeaseRecord first = scene.first();

        long releaseStart = System.nanoTime();
        long bBefore = b.requestsSent();
        assertTrue(a.release(name, "a", first.token()));
        LeaseRecord granted = taking.taken().get(LIVENESS.toMillis(), TimeUnit.MILLISECONDS);
        long t1 = System.nanoTime();
        assertEquals(0, b.requestsSent() - bBefore, "the successor sends no request");
        assertTrue(taking.thread().get().contains("EventThread"), "taken on " + taking.thread().get());
        assertTrue(granted.heldBy("b") && granted.token() > first.token(), "handed to b: " + granted);
        assertEquals(granted.token(), a.read(name).orElseThrow().token(), "the token is the holder node's czxid");
        assertEquals("2026-12-06T00:00:02Z", granted.metadata().get(LeaderMetadata.SINCE), "what was asked");
        // Safety: remaining counts from before the call, so a deadline taken after it ends before the lease's expiry.
        assertTrue(t1 + granted.remaining().toNanos() - (releaseStart + TTL.toNanos()) <= 0,
                "the successor's deadline passes the lease's expiry");
        assertEquals(Optional.empty(), b.takeHandedOver(name, "b", TTL, engineMetadata("b", "x")), "taken once");
        assertEquals(granted.token(), b.renew(name, "b", granted.token(), TTL).orElseThrow().token());
    }

    @Test
    @DisplayName("two elections: the leader's close hands the group over and the successor's engine takes it on"
            + " ZooKeeper's event thread, with no request of its own")
    void electionTakesTheHandoverOnTheEventThread() throws Exception {
        String group = "elections-" + System.nanoTime();
        ZooKeeperLeaseStore bStore = store();
        List<String> acquiredOn = new CopyOnWriteArrayList<>();
        ElectionObserver threads = new ElectionObserver() {
            @Override
            public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
                if (operation == StoreOperation.ACQUIRE && failure == null) {
                    acquiredOn.add(Thread.currentThread().getName());
                }
            }
        };
        ElectionSettings settings = ElectionSettings.of(TTL, Duration.ofSeconds(5));
        ZooKeeperLeaseStore aStore = store();
        Baton a = Baton.builder().store(aStore).closeStore(false).participant("a").defaults(settings).build();
        Baton b = Baton.builder().store(bStore).closeStore(false).participant("b").defaults(settings)
                .observer(threads).build();
        try {
            LeaderElection ea = a.election(group);
            assertTrue(ea.awaitLeadership(LIVENESS), "a leads");
            LeaderElection eb = b.election(group);
            Await.until("b's refused acquire answered", () -> !acquiredOn.isEmpty(), LIVENESS);
            awaitCandidateSeen(aStore, group, "b");
            long bBefore = bStore.requestsSent();
            int acquiresBefore = acquiredOn.size();
            ea.close(); // releases, handing the lease to b's candidacy
            assertTrue(eb.awaitLeadership(LIVENESS), "b leads after a's release");
            assertEquals(0, bStore.requestsSent() - bBefore, "the successor sent no request");
            assertEquals(1, acquiredOn.size() - acquiresBefore, "one grant: " + acquiredOn);
            String thread = acquiredOn.get(acquiredOn.size() - 1);
            assertTrue(thread.contains("EventThread"), "taken on ZooKeeper's event thread, not " + thread);
            assertEquals(bStore.read(group).orElseThrow().token(), eb.fencingToken().orElseThrow());
        } finally {
            a.close();
            b.close();
        }
    }

    @Test
    @DisplayName("asked from the watch callback with other metadata than the candidacy's: declined, and the acquire"
            + " that follows confirms with a write")
    void otherMetadataDeclinedInTheCallback() throws Exception {
        ZooKeeperLeaseStore b = store();
        Taking taking = new Taking();
        Scene scene = leaderAndCandidate("decline", store(), b, Map.of(), Map.of("url", "old"),
                name -> taking.asking(b, name, Map.of("url", "new")));
        ZooKeeperLeaseStore a = scene.a();
        String name = scene.name();
        assertTrue(a.release(name, "a", scene.first().token()));
        Await.until("b's watch reports the change", () -> scene.changes().get() > 0, LIVENESS);
        assertFalse(taking.taken().isDone(), "declined: the candidacy asked for other metadata");
        LeaseRecord granted = b.tryAcquire(name, "b", TTL, Map.of("url", "new")).orElseThrow();
        assertTrue(granted.heldBy("b") && granted.token() > scene.first().token());
        assertEquals(Map.of("url", "new"), a.read(name).orElseThrow().metadata());
    }

    @Test
    @DisplayName("a successor asking with other metadata confirms with a write, which stores it")
    void otherMetadataConfirms() throws Exception {
        Scene scene = leaderAndCandidate("other-metadata", Map.of(), Map.of("url", "old"));
        ZooKeeperLeaseStore a = scene.a();
        ZooKeeperLeaseStore b = scene.b();
        String name = scene.name();
        LeaseRecord first = scene.first();
        AtomicInteger changes = scene.changes();
        assertTrue(a.release(name, "a", first.token()));
        Await.until("b's watch reports the change", () -> changes.get() > 0, LIVENESS);
        LeaseRecord granted = b.tryAcquire(name, "b", TTL, Map.of("url", "new")).orElseThrow();
        assertTrue(granted.heldBy("b") && granted.token() > first.token());
        assertEquals(TTL, granted.remaining(), "a confirmed grant counts its whole ttl from the request");
        assertEquals(Map.of("url", "new"), granted.metadata());
        assertEquals(Map.of("url", "new"), a.read(name).orElseThrow().metadata());
    }

    @Test
    @DisplayName("a handover found more than half a ttl after the successor's last write is confirmed with a write")
    void staleAnchorConfirms() throws Exception {
        Duration ttl = Duration.ofSeconds(2);
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        String name = "stale-anchor-" + System.nanoTime();
        toClose.add(a.watch(name, () -> { }).orElseThrow());
        LeaseRecord first = a.tryAcquire(name, "a", Duration.ofSeconds(60)).orElseThrow();
        AtomicInteger changes = new AtomicInteger();
        toClose.add(b.watch(name, changes::incrementAndGet).orElseThrow());
        long refused = System.nanoTime();
        assertEquals("a", b.tryAcquire(name, "b", ttl).orElseThrow().holder());
        awaitCandidateSeen(a, name, "b");
        // b's last write (the refused acquire's clock stamp) is now more than half a ttl old.
        Thread.sleep(ttl.toMillis() / 2 + 100);
        assertTrue(a.release(name, "a", first.token()));
        Await.until("b's watch reports the change", () -> changes.get() > 0, LIVENESS);
        long before = b.requestsSent();
        LeaseRecord granted = b.tryAcquire(name, "b", ttl).orElseThrow();
        assertTrue(granted.heldBy("b") && granted.token() > first.token(), "handed to b: " + granted);
        assertEquals(ttl, granted.remaining(), "confirmed: the whole ttl from this request");
        assertEquals(3, b.requestsSent() - before,
                "the reads (the events proved the grant, too old to trust) and the confirming transaction");
        assertTrue(System.nanoTime() - refused > ttl.toNanos() / 2, "the anchor was old enough");
        assertEquals(granted.token(), a.read(name).orElseThrow().token(), "the confirmation keeps the token");
    }
}
