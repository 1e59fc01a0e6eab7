package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.StoreContext;
import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real ZooKeeper misbehaving under a leader: restart, session expiry, connection loss; plus auth and start-up.
 *
 * <p>Safety is asserted unconditionally (never two leaders, tokens only grow, a cut-off leader stops leading by its
 * deadline); liveness with generous bounds ({@link #LIVENESS}, scaled), which only cost time when something is
 * broken. Where the outcome may legitimately depend on the machine's speed (does a leader's term survive a server
 * restart?), the test asserts what must hold either way.
 */
class ZooKeeperFailureIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(500);
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    /** Call timeout of stores used directly by a test that is not about timing: a slow answer is not a failure. */
    private static final Duration PATIENT_CALL = Duration.ofSeconds(5);
    private static final String ROOT = "/baton-failures";

    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    private final List<AutoCloseable> toClose = new ArrayList<>();
    private int groups;

    @AfterEach
    void cleanUp() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** A store as the factory would make it for a 2 s ttl: session timeout = ttl, a call timeout under a third. */
    private ZooKeeperLeaseStore store(String connect) {
        return store(connect, Timing.scaled(Duration.ofMillis(600)));
    }

    private ZooKeeperLeaseStore store(String connect, Duration callTimeout) {
        ZooKeeperLeaseStore s = ZooKeeperLeaseStoreFactory.open(connect, ROOT, Optional.empty(),
                Timing.scaled(TTL), callTimeout);
        toClose.add(s);
        return s;
    }

    /** A plain Curator client to look at ZooKeeper's nodes directly, connected before it is returned. */
    private CuratorFramework observer() throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(100));
        toClose.add(c);
        c.start();
        assertTrue(c.blockUntilConnected(Math.toIntExact(Timing.scaled(LIVENESS).toMillis()), TimeUnit.MILLISECONDS),
                "the observer client did not connect to ZooKeeper");
        return c;
    }

    /** One participant: Baton on its own store, with its events recorded. */
    private final class Node {
        final String id;
        final LeaderElection election;
        final List<LeadershipChanged> events = new CopyOnWriteArrayList<>();

        Node(String id, ZooKeeperLeaseStore store, String group) {
            this(id, store, group, ElectionSettings.of(Timing.scaled(TTL), Timing.scaled(RENEW)));
        }

        Node(String id, ZooKeeperLeaseStore store, String group, ElectionSettings settings) {
            this.id = id;
            Baton baton = Baton.builder().store(store).participant(id).defaults(settings)
                    .shutdownTimeout(Duration.ofSeconds(2)).build();
            // After its store in the list, so cleanUp (last first) closes Baton first and it can still release.
            toClose.add(baton);
            election = baton.election(group);
            election.onChange(events::add);
        }

        /** @return the token of the term this node is in now, when it leads */
        Optional<Long> token() {
            OptionalLong t = election.fencingToken();
            return t.isPresent() ? Optional.of(t.getAsLong()) : Optional.empty();
        }

        /** Waits (generously) until this node leads. */
        long awaitToken() {
            return Await.untilPresent(id + " leads", this::token, LIVENESS);
        }

        boolean lost() {
            return events.stream().anyMatch(LeadershipChanged::lost);
        }
    }

    /** A node's term as seen at one instant. */
    private record Held(Node node, long token) {}

    /** Samples both participants and records any instant at which both think they lead. */
    private static final class OverlapMonitor implements AutoCloseable {
        final List<String> overlaps = new CopyOnWriteArrayList<>();
        private final Thread thread;
        private volatile boolean stop;

        OverlapMonitor(Node a, Node b) {
            thread = new Thread(() -> {
                while (!stop) {
                    if (a.election.isLeader() && b.election.isLeader()) {
                        overlaps.add("both lead at " + System.nanoTime());
                    }
                    // The sampling period, not a synchronisation: a late sample can only miss an overlap.
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                }
            }, "overlap-monitor");
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stop = true;
            thread.join();
        }
    }

    private String group() {
        return "failure-" + System.nanoTime() + "-" + (++groups);
    }

    /**
     * Waits until {@code node} no longer leads, and fails if any sample taken after {@code latestDeadline} (on
     * {@link System#nanoTime()}) still finds it leading. The sample's time is read before {@code isLeader()}, so a
     * late sample (a busy machine) can only miss a violation, never report a false one.
     */
    private static void awaitStepDownBy(Node node, long latestDeadline) {
        Await.until(node.id + " steps down", () -> {
            long sampledAt = System.nanoTime();
            boolean leads = node.election.isLeader();
            if (leads && sampledAt - latestDeadline > 0) {
                throw new AssertionError(node.id + " still leads " + (sampledAt - latestDeadline) / 1_000_000
                        + " ms after the latest possible deadline of its grants; events: " + node.events);
            }
            return !leads;
        }, LIVENESS);
    }

    /**
     * @return the node that leads with ZooKeeper's agreement: ZooKeeper (read now, by its own clock) has a live lease
     *     held by that node with the very token the node's election holds; empty when there is none or ZooKeeper
     *     does not answer yet
     */
    private static Optional<Held> confirmedLeader(ZooKeeperLeaseStore observer, String group, Node... nodes) {
        Optional<LeaseRecord> record;
        try {
            record = observer.read(group);
        } catch (LeaseStoreException notYet) {
            return Optional.empty();
        }
        if (record.isEmpty()) {
            return Optional.empty();
        }
        for (Node n : nodes) {
            if (n.id.equals(record.get().holder()) && n.token().equals(Optional.of(record.get().token()))) {
                return Optional.of(new Held(n, record.get().token()));
            }
        }
        return Optional.empty();
    }

    @Test
    @DisplayName("session expiry under a leader ends nothing: the lease is not the session, renewals go on")
    void sessionExpiry() throws Exception {
        // The premise "a keeps its term while its client moves to a new session" must not depend on how fast the
        // client reconnects: with a 20 s lease a's local deadline is 18 s after its last renewal, far beyond any
        // reconnection. (With 2 s, a loaded machine once reconnected after a's deadline; a stepped down safely with
        // BACKEND_UNAVAILABLE and b took over, which is correct behaviour but not what this test is about.)
        ElectionSettings longLease = ElectionSettings.of(Timing.scaled(Duration.ofSeconds(20)), Timing.scaled(RENEW));
        String g = group();
        ZooKeeperLeaseStore storeA = store(server.connectString());
        Node a = new Node("a", storeA, g, longLease);
        long tokenA = a.awaitToken();
        Node b = new Node("b", store(server.connectString()), g, longLease);
        CuratorFramework observer = observer();
        String holderNode = ZKPaths.makePath(ROOT, "leases", ZkNames.node(g), "holder");
        long sessionBefore = storeA.client().getZookeeperClient().getZooKeeper().getSessionId();
        try (OverlapMonitor monitor = new OverlapMonitor(a, b)) {
            expireSession(storeA.client());
            Await.until("a's client is on a new session", () -> {
                try {
                    ZooKeeper zk = storeA.client().getZookeeperClient().getZooKeeper();
                    return zk.getSessionId() != sessionBefore && zk.getState().isConnected();
                } catch (Exception reconnecting) {
                    return false;
                }
            }, LIVENESS);
            // a's old session is gone, so a write that ZooKeeper orders after this marker came from a live session:
            // a renewal of a's node after it was made on a's new session.
            String marker = ZKPaths.makePath("/baton-failure-markers", g);
            observer.create().creatingParentsIfNeeded().forPath(marker);
            long markerZxid = observer.setData().forPath(marker, new byte[0]).getMzxid();
            Stat renewed = Await.untilPresent("a renewal of the lease lands after a's new session is up", () -> {
                try {
                    Stat s = observer.checkExists().forPath(holderNode);
                    return s != null && s.getMzxid() > markerZxid ? Optional.of(s) : Optional.empty();
                } catch (Exception observerNotReady) {
                    return Optional.empty();
                }
            }, LIVENESS);
            // The token is the holder node's creation zxid: the same node means the same term, never handed over.
            assertEquals(tokenA, renewed.getCzxid(), "the lease changed hands; a's events: " + a.events
                    + ", b's events: " + b.events);
            assertEquals(Optional.of(tokenA), a.token(), "a still leads in the same term; events: " + a.events);
            assertFalse(a.lost(), "a never stepped down; events: " + a.events);
            assertFalse(b.election.isLeader(), "b must not lead");
            assertTrue(b.events.stream().noneMatch(LeadershipChanged::acquired), "b never led; events: " + b.events);
            assertEquals(List.of(), monitor.overlaps);
        }
    }

    @Test
    @DisplayName("server restart under a leader: never two leaders, one leader afterwards, tokens only grow")
    void serverRestart() throws Exception {
        String g = group();
        Node a = new Node("a", store(server.connectString()), g);
        long before = a.awaitToken();
        Node b = new Node("b", store(server.connectString()), g);
        ZooKeeperLeaseStore observer = store(server.connectString(), PATIENT_CALL);
        try (OverlapMonitor monitor = new OverlapMonitor(a, b)) {
            server.restart();
            // Whether a's term survives the restart depends on how fast the server comes back (a steps down at its
            // local deadline if its renewals fail until then). Either way, afterwards one participant leads with
            // ZooKeeper's agreement, and a token other than a's first is a newer term, announced by a.
            Held leader = Await.untilPresent("a participant leads with ZooKeeper's agreement after the restart",
                    () -> confirmedLeader(observer, g, a, b), LIVENESS);
            assertTrue(leader.token() >= before, "tokens never go backwards: " + leader.token() + " < " + before);
            if (leader.token() == before) {
                assertEquals("a", leader.node().id, "token " + before + " is a's first term");
            } else {
                Await.until("a announces the end of its first term", a::lost, LIVENESS);
            }
            assertEquals(List.of(), monitor.overlaps);
        }
    }

    @Test
    @DisplayName("connection loss: the cut-off leader steps down before the follower can take over")
    void connectionLoss() throws Exception {
        String g = group();
        try (TcpProxy proxy = TcpProxy.start("127.0.0.1", server.port())) {
            Node a = new Node("a", store(proxy.address()), g);
            long tokenA = a.awaitToken();
            Node b = new Node("b", store(server.connectString()), g);
            ZooKeeperLeaseStore observer = store(server.connectString(), PATIENT_CALL);
            try (OverlapMonitor monitor = new OverlapMonitor(a, b)) {
                proxy.blackhole();
                // Every grant a holds now was asked for before the blackhole, so it is trusted for less than a ttl.
                long latestDeadline = System.nanoTime() + Timing.scaled(TTL).toNanos();
                awaitStepDownBy(a, latestDeadline);
                long tokenB = b.awaitToken();
                assertTrue(tokenB > tokenA, "b's token " + tokenB + " must exceed a's " + tokenA);
                Await.until("a announces that it stepped down for want of ZooKeeper", () -> a.events.stream()
                        .anyMatch(e -> e.lost() && (e.cause() == ChangeCause.BACKEND_UNAVAILABLE
                                || e.cause() == ChangeCause.EXPIRED)), LIVENESS);
                proxy.restore();
                // a recovers by itself: it reconnects and agrees with ZooKeeper on who leads (b, unless b has lost
                // the lease meanwhile on a busy machine; a can only know either after talking to ZooKeeper again).
                Await.until("a is back and sees the leader ZooKeeper has", () -> {
                    try {
                        Optional<String> holder = observer.read(g).map(LeaseRecord::holder);
                        return holder.isPresent() && a.election.leader().equals(holder);
                    } catch (LeaseStoreException notYet) {
                        return false;
                    }
                }, LIVENESS);
                assertEquals(List.of(), monitor.overlaps);
            }
        }
    }

    @Test
    @DisplayName("a client without the right digest credentials gets a clear NOAUTH message without secrets")
    void authFailure() {
        String root = "/baton-auth-" + System.nanoTime();
        ZooKeeperLeaseStore alice = ZooKeeperLeaseStoreFactory.open(server.connectString(), root,
                Optional.of("alice:s3cret-pw"), TTL, Duration.ofSeconds(5));
        toClose.add(alice);
        assertTrue(alice.tryAcquire("jobs", "alice", TTL).orElseThrow().heldBy("alice"));
        ZooKeeperLeaseStore mallory = ZooKeeperLeaseStoreFactory.open(server.connectString(), root,
                Optional.of("mallory:wr0ng-pw"), TTL, Duration.ofSeconds(5));
        toClose.add(mallory);
        LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> mallory.read("jobs"));
        assertTrue(e.getMessage().contains("NOAUTH") && e.getMessage().contains("baton.zookeeper.auth"),
                e.getMessage());
        assertFalse(e.getMessage().contains("wr0ng-pw") || e.getMessage().contains("s3cret-pw"), e.getMessage());
        assertThrows(LeaseStoreException.class, () -> mallory.tryAcquire("other", "mallory", TTL));
        assertFalse(alice.describe().contains("s3cret-pw"), alice.describe());

        InvalidConfigurationException bad = assertThrows(InvalidConfigurationException.class,
                () -> ZooKeeperLeaseStoreFactory.open(server.connectString(), root, Optional.of("no-colon-secret"),
                        TTL, TTL));
        assertEquals(ZooKeeperLeaseStoreFactory.AUTH_KEY, bad.key());
        assertFalse(bad.getMessage().contains("no-colon-secret"), bad.getMessage());
    }

    @Test
    @DisplayName("a store opened before ZooKeeper runs fails fast, then works once the server is up")
    void startsBeforeServer() throws Exception {
        int port = FreePorts.next();
        ZooKeeperLeaseStore early = ZooKeeperLeaseStoreFactory.open("127.0.0.1:" + port, "/baton-early",
                Optional.empty(), TTL, Duration.ofMillis(500));
        toClose.add(early);
        long t0 = System.nanoTime();
        assertThrows(LeaseStoreException.class, () -> early.tryAcquire("jobs", "a", TTL));
        long tookMs = (System.nanoTime() - t0) / 1_000_000;
        // "Fast" means bounded by the call timeout instead of hanging on the absent server; the slack only
        // absorbs a busy machine's scheduling delays.
        long boundMs = early.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2))).toMillis();
        assertTrue(tookMs <= boundMs, "took " + tookMs + " ms; the call timeout is " + early.maxCallTime().toMillis()
                + " ms");
        ZkTestServer late = new ZkTestServer().startOnPort("late", port);
        try {
            LeaseRecord r = Await.untilPresent("the early store acquires once ZooKeeper is up", () -> {
                try {
                    return early.tryAcquire("jobs", "a", TTL);
                } catch (LeaseStoreException notYet) {
                    return Optional.empty();
                }
            }, LIVENESS);
            assertTrue(r.heldBy("a"));
        } finally {
            early.close();
            late.close();
        }
    }

    @Test
    @DisplayName("an application's CuratorFramework is used and stays open when the store closes")
    void applicationClient() throws Exception {
        CuratorFramework app = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(100));
        toClose.add(app);
        // Connected first (as an application's client normally is), so the store's first call need not include
        // the connection; and a 15 s shortest ttl gives that call the factory's 5 s timeout on a busy machine.
        app.start();
        assertTrue(app.blockUntilConnected(Math.toIntExact(Timing.scaled(LIVENESS).toMillis()), TimeUnit.MILLISECONDS),
                "the application's client did not connect");
        StoreContext context = new MapStoreContext().client(CuratorFramework.class, app)
                .shortestTtl(Duration.ofSeconds(15));
        try (var store = new ZooKeeperLeaseStoreFactory().create(context)) {
            assertTrue(store.describe().contains("application CuratorFramework"), store.describe());
            assertTrue(store.tryAcquire("app-" + System.nanoTime(), "a", TTL).orElseThrow().heldBy("a"));
        }
        assertEquals(CuratorFrameworkState.STARTED, app.getState(), "Baton must not close the application's client");
    }

    @Test
    @DisplayName("a stale holder's renew, confirm and release cannot touch the node of the holder that took over")
    void staleWritesCannotTouchANewIncarnation() {
        ZooKeeperLeaseStore a = store(server.connectString(), PATIENT_CALL);
        ZooKeeperLeaseStore b = store(server.connectString(), PATIENT_CALL);
        String name = "stale-" + System.nanoTime();
        LeaseRecord first = a.tryAcquire(name, "a", Duration.ofMillis(500)).orElseThrow();
        // Node versions restart at 0 with every node: a's remembered version now also fits b's fresh node.
        LeaseRecord second = Await.untilPresent("b takes the expired lease",
                () -> b.tryAcquire(name, "b", Duration.ofSeconds(30)).filter(r -> r.heldBy("b")),
                LIVENESS);
        assertTrue(second.token() > first.token());
        assertEquals(Optional.empty(), a.renew(name, "a", first.token(), Duration.ofSeconds(30)));
        assertFalse(a.release(name, "a", first.token()));
        LeaseRecord seen = b.read(name).orElseThrow();
        assertEquals("b", seen.holder(), "the stale holder's writes reached the new holder's node");
        assertEquals(second.token(), seen.token());
        assertEquals(second.token(), b.renew(name, "b", second.token(), Duration.ofSeconds(30)).orElseThrow().token());
    }

    /**
     * Expires a session for real: a second connection with the same id and password takes the session over and
     * closes it on the server. The owner may win the session back in between (it reconnects when the server drops
     * its connection), so the fault is injected again until a connection with that id finds it expired: that is the
     * confirmation the fault happened, not a retry of the test.
     */
    private static void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        long id = zk.getSessionId();
        byte[] password = zk.getSessionPasswd();
        long end = System.nanoTime() + Timing.scaled(LIVENESS).toNanos();
        while (true) {
            BlockingQueue<Watcher.Event.KeeperState> states = new LinkedBlockingQueue<>();
            ZooKeeper twin = new ZooKeeper(server.connectString(), zk.getSessionTimeout(), e -> {
                if (e.getType() == Watcher.Event.EventType.None) {
                    states.add(e.getState());
                }
            }, id, password);
            try {
                while (true) {
                    Watcher.Event.KeeperState state =
                            states.poll(Math.max(0, end - System.nanoTime()), TimeUnit.NANOSECONDS);
                    assertTrue(state != null, "a connection with the session's id neither connected nor found it "
                            + "expired");
                    if (state == Watcher.Event.KeeperState.Expired) {
                        return;
                    }
                    if (state == Watcher.Event.KeeperState.SyncConnected) {
                        break; // the twin owns the session now: closing it ends the session on the server
                    }
                }
            } finally {
                twin.close();
            }
        }
    }
}
