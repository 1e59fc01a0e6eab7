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
import dev.baton.tck.fixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.imps.CuratorFrameworkState;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A real ZooKeeper misbehaving under a leader: restart, session expiry, connection loss; plus auth and start-up. */
class ZooKeeperFailureIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(500);

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

    private ZooKeeperLeaseStore store(String connect) {
        ZooKeeperLeaseStore s = ZooKeeperLeaseStoreFactory.open(connect, "/baton-failures", Optional.empty(),
                Timing.scaled(TTL), Timing.scaled(Duration.ofMillis(600)));
        toClose.add(s);
        return s;
    }

    /** One participant: Baton on its own store, with its events recorded. */
    private final class Node {
        final LeaderElection election;
        final List<LeadershipChanged> events = new CopyOnWriteArrayList<>();

        Node(String id, ZooKeeperLeaseStore store, String group) {
            Baton baton = Baton.builder().store(store).participant(id)
                    .defaults(ElectionSettings.of(Timing.scaled(TTL), Timing.scaled(RENEW)))
                    .shutdownTimeout(Duration.ofSeconds(2)).build();
            toClose.add(0, baton); // closed after the stores' own close in reverse order: Baton first
            election = baton.election(group);
            election.onChange(events::add);
        }

        long token() {
            return election.fencingToken().orElseThrow();
        }

        boolean lost() {
            return events.stream().anyMatch(LeadershipChanged::lost);
        }
    }

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

    @Test
    @DisplayName("session expiry under a leader ends nothing: the lease is not the session, renewals go on")
    void sessionExpiry() throws Exception {
        String g = group();
        ZooKeeperLeaseStore storeA = store(server.connectString());
        Node a = new Node("a", storeA, g);
        assertTrue(a.election.awaitLeadership(Timing.scaled(Duration.ofSeconds(10))));
        Node b = new Node("b", store(server.connectString()), g);
        long tokenA = a.token();
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
            }, Duration.ofSeconds(10));
            // Two ttls on the new session: renewals must keep the same term, and b must never lead.
            long end = System.nanoTime() + Timing.scaled(TTL).multipliedBy(2).toNanos();
            while (System.nanoTime() - end < 0) {
                assertFalse(b.election.isLeader(), "b must not lead");
                java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
            assertTrue(a.election.isLeader(), "a still leads; events: " + a.events);
            assertEquals(tokenA, a.token(), "the same term: the node outlived the session");
            assertEquals(List.of(), monitor.overlaps);
        }
    }

    @Test
    @DisplayName("server restart under a leader: never two leaders, one leader afterwards, tokens only grow")
    void serverRestart() throws Exception {
        String g = group();
        Node a = new Node("a", store(server.connectString()), g);
        assertTrue(a.election.awaitLeadership(Timing.scaled(Duration.ofSeconds(10))));
        Node b = new Node("b", store(server.connectString()), g);
        long before = a.token();
        try (OverlapMonitor monitor = new OverlapMonitor(a, b)) {
            server.restart();
            Await.until("one participant leads after the restart",
                    () -> a.election.isLeader() || b.election.isLeader(), TTL.plus(Duration.ofSeconds(10)));
            Node leader = a.election.isLeader() ? a : b;
            assertTrue(leader.token() >= before, "tokens never go backwards");
            if (leader == b) {
                assertTrue(b.token() > before, "a new holder has a greater token");
                assertTrue(a.lost(), "a announced the loss");
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
            assertTrue(a.election.awaitLeadership(Timing.scaled(Duration.ofSeconds(10))));
            Node b = new Node("b", store(server.connectString()), g);
            long tokenA = a.token();
            try (OverlapMonitor monitor = new OverlapMonitor(a, b)) {
                proxy.blackhole();
                Await.until("a steps down", () -> !a.election.isLeader(), TTL.plus(Duration.ofSeconds(1)));
                Await.until("b takes over", b.election::isLeader, TTL.plus(Duration.ofSeconds(5)));
                assertTrue(b.token() > tokenA);
                assertTrue(a.events.stream().anyMatch(e -> e.lost() && (e.cause() == ChangeCause.BACKEND_UNAVAILABLE
                        || e.cause() == ChangeCause.EXPIRED)), () -> "a's events: " + a.events);
                proxy.restore();
                Await.until("a is back as a follower that sees b", () -> a.election.leader().equals(Optional.of("b")),
                        Duration.ofSeconds(10));
                assertFalse(a.election.isLeader());
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
        assertTrue(tookMs < Timing.scaled(Duration.ofMillis(1500)).toMillis(), "took " + tookMs + " ms");
        ZkTestServer late = new ZkTestServer().startOnPort("late", port);
        try {
            LeaseRecord r = Await.untilPresent("the early store acquires once ZooKeeper is up", () -> {
                try {
                    return early.tryAcquire("jobs", "a", TTL);
                } catch (LeaseStoreException notYet) {
                    return Optional.empty();
                }
            }, Duration.ofSeconds(20));
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
        StoreContext context = new MapStoreContext().client(CuratorFramework.class, app)
                .shortestTtl(Duration.ofSeconds(3));
        try (var store = new ZooKeeperLeaseStoreFactory().create(context)) {
            assertTrue(store.describe().contains("application CuratorFramework"), store.describe());
            assertTrue(store.tryAcquire("app-" + System.nanoTime(), "a", TTL).orElseThrow().heldBy("a"));
        }
        assertEquals(CuratorFrameworkState.STARTED, app.getState(), "Baton must not close the application's client");
    }

    @Test
    @DisplayName("a stale holder's renew, confirm and release cannot touch the node of the holder that took over")
    void staleWritesCannotTouchANewIncarnation() {
        ZooKeeperLeaseStore a = store(server.connectString());
        ZooKeeperLeaseStore b = store(server.connectString());
        String name = "stale-" + System.nanoTime();
        LeaseRecord first = a.tryAcquire(name, "a", Duration.ofMillis(500)).orElseThrow();
        // Node versions restart at 0 with every node: a's remembered version now also fits b's fresh node.
        LeaseRecord second = Await.untilPresent("b takes the expired lease",
                () -> b.tryAcquire(name, "b", Duration.ofSeconds(30)).filter(r -> r.heldBy("b")),
                Duration.ofSeconds(5));
        assertTrue(second.token() > first.token());
        assertEquals(Optional.empty(), a.renew(name, "a", first.token(), Duration.ofSeconds(30)));
        assertFalse(a.release(name, "a", first.token()));
        LeaseRecord seen = b.read(name).orElseThrow();
        assertEquals("b", seen.holder(), "the stale holder's writes reached the new holder's node");
        assertEquals(second.token(), seen.token());
        assertEquals(second.token(), b.renew(name, "b", second.token(), Duration.ofSeconds(30)).orElseThrow().token());
    }

    /** Expires a session for real: a second connection with the same id and password closes it on the server. */
    private static void expireSession(CuratorFramework client) throws Exception {
        ZooKeeper zk = client.getZookeeperClient().getZooKeeper();
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper twin = new ZooKeeper(server.connectString(), zk.getSessionTimeout(), e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        }, zk.getSessionId(), zk.getSessionPasswd());
        assertTrue(connected.await(10, TimeUnit.SECONDS), "the twin connection did not connect");
        twin.close();
    }
}
