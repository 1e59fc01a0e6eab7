package dev.baton.backend.zookeeper.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.backend.zookeeper.ZkTestServer;
import dev.baton.backend.zookeeper.ZooKeeperLeaseStoreFactory;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.framework.recipes.leader.LeaderLatchListener;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.AddWatchMode;
import org.apache.zookeeper.Watcher;
import org.apache.zookeeper.ZooKeeper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On-demand timeline of a graceful handover on an in-process ZooKeeper (issue 18): where the milliseconds between the
 * leader's {@link Baton#close()} and the follower's {@code isLeader()} go. Same method as the benchmark suite's
 * graceful handover (ttl 2 s, renew 500 ms, close on a thread of its own, {@code isLeader()} polled every 0.5 ms);
 * each store is wrapped to stamp its calls and watch callbacks, and a bare observer session of its own stamps when
 * the leader's write becomes visible (for Curator's latch as well, with the moment its leadership is set). {@code
 * ./mvnw -o -pl backends/zookeeper test -Dtest=HandoverTimeline -Dbaton.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}; {@code -Dbaton.bench.runs=N} handovers (25), {@code
 * -Dtimeline.election=true} to close the leader's group alone ({@code LeaderElection.close()}, as Curator's latch is
 * closed) instead of its {@code Baton}, {@code -Dtimeline.connect=host:port} to use a ZooKeeper server of your own (a
 * standalone one in its own JVM, warmed, is what the benchmark suite measures on) instead of an in-process one; medians
 * printed in ms from the start of {@code close()}.
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class HandoverTimeline {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final int RUNS = Integer.getInteger("baton.bench.runs", 25);
    private static final String[] MARKS = {"close() entered (own thread)", "release sent", "release answered",
        "a bare observer sees the write", "watch event at follower",
        "follower acquire (or take) sent", "... answered", "ACQUIRED event", "isLeader() seen true"};

    /** Stamps of one handover, nanoTime; 0 when not seen. */
    static final class Stamps {
        volatile long closeEntered;
        volatile long releaseSent;
        volatile long releaseAnswered;
        volatile long observed;
        volatile long watchEvent;
        volatile long acquireSent;
        volatile long acquireAnswered;
        volatile long acquiredEvent;
    }

    private static volatile Stamps current = new Stamps();

    @Test
    void timeline() throws Exception {
        String external = System.getProperty("timeline.connect");
        ZkTestServer inProcess = external == null ? new ZkTestServer().start("timeline") : null;
        String server = external != null ? external : inProcess.connectString();
        ZooKeeper observer = observer(server);
        try {
            ElectionSettings settings = ElectionSettings.of(TTL, Duration.ofMillis(500));
            List<long[]> rows = new ArrayList<>();
            for (int i = 0; i < RUNS + 3; i++) {
                String group = "handover-" + Long.toString(System.nanoTime(), 36);
                Baton a = baton(server, "a" + i, settings);
                Baton b = baton(server, "b" + i, settings);
                try {
                    LeaderElection ea = a.election(group);
                    if (!ea.awaitLeadership(Duration.ofSeconds(20))) {
                        throw new IllegalStateException("a did not lead");
                    }
                    LeaderElection eb = b.election(group);
                    Thread.sleep(300);
                    Stamps s = new Stamps();
                    current = s;
                    String lease = "/timeline/leases/" + group;
                    observer.addWatch(lease, e -> {
                        if (e.getType() == Watcher.Event.EventType.NodeDeleted && e.getPath().contains("/candidate-")
                                && s.observed == 0) {
                            s.observed = System.nanoTime();
                        }
                    }, AddWatchMode.PERSISTENT_RECURSIVE);
                    eb.onChange((LeadershipChanged c) -> {
                        if (c.acquired() && s.acquiredEvent == 0) {
                            s.acquiredEvent = System.nanoTime();
                        }
                    });
                    FutureTask<Void> closing = new FutureTask<>(() -> {
                        s.closeEntered = System.nanoTime();
                        if (Boolean.getBoolean("timeline.election")) {
                            ea.close();
                        } else {
                            a.close();
                        }
                        return null;
                    });
                    Thread closer = new Thread(closing, "bench-close");
                    long t0 = System.nanoTime();
                    closer.start();
                    long seen;
                    while (true) {
                        if (eb.isLeader()) {
                            seen = System.nanoTime();
                            break;
                        }
                        if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(20)) {
                            throw new IllegalStateException("b did not lead");
                        }
                        Thread.sleep(0, 500_000);
                    }
                    closing.get(20, TimeUnit.SECONDS);
                    Thread.sleep(50); // late event stamps
                    if (i >= 3) { // warm-up
                        rows.add(new long[] {s.closeEntered - t0, s.releaseSent - t0, s.releaseAnswered - t0,
                            s.observed - t0, s.watchEvent - t0,
                            s.acquireSent - t0, s.acquireAnswered - t0, s.acquiredEvent - t0, seen - t0});
                    }
                } finally {
                    a.close();
                    b.close();
                    observer.removeAllWatches("/timeline/leases/" + group, Watcher.WatcherType.Any, true);
                }
            }
            StringBuilder out = new StringBuilder("graceful handover timeline on ZooKeeper, " + RUNS
                    + " handovers, ms from close() (median / p90):\n");
            for (int m = 0; m < MARKS.length; m++) {
                final int col = m;
                long[] v = rows.stream().mapToLong(r -> r[col]).sorted().toArray();
                long[] w = rows.stream().mapToLong(r -> r[col] - (col == 0 ? 0 : r[col - 1])).sorted().toArray();
                out.append(String.format("  %-28s %7.2f / %7.2f   step from the previous mark %7.2f / %7.2f%n",
                        MARKS[m], v[v.length / 2] / 1e6, v[(int) (v.length * 0.9)] / 1e6, w[w.length / 2] / 1e6,
                        w[(int) (w.length * 0.9)] / 1e6));
            }
            long[][] c = curator(server, observer);
            out.append(String.format("Curator LeaderLatch on the same server, same method (medians): the bare observer"
                    + " sees the delete %.2f ms, leadership set %.2f ms, hasLeadership() seen true %.2f ms%n",
                    c[0][c[0].length / 2] / 1e6, c[1][c[1].length / 2] / 1e6, c[2][c[2].length / 2] / 1e6));
            System.out.println(out);
        } finally {
            observer.close();
            if (inProcess != null) {
                inProcess.close();
            }
        }
    }

    /** A session of its own that watches the leases as a bare watcher: when the release's write is visible. */
    private static ZooKeeper observer(String server) throws Exception {
        CountDownLatch connected = new CountDownLatch(1);
        ZooKeeper z = new ZooKeeper(server, 4000, e -> {
            if (e.getState() == Watcher.Event.KeeperState.SyncConnected) {
                connected.countDown();
            }
        });
        if (!connected.await(10, TimeUnit.SECONDS)) {
            throw new IllegalStateException("observer not connected");
        }
        return z;
    }

    /**
     * @return sorted nanos from the start of the latch's close: the bare observer sees the delete, latch b's
     *     leadership is set, {@code hasLeadership()} seen true
     */
    private static long[][] curator(String server, ZooKeeper observer) throws Exception {
        long[][] t = new long[3][RUNS];
        for (int i = 0; i < RUNS + 3; i++) {
            String path = "/latch-" + i + "-" + System.nanoTime();
            try (CuratorFramework ca = client(server); CuratorFramework cb = client(server);
                    LeaderLatch b = new LeaderLatch(cb, path, "b")) {
                LeaderLatch a = new LeaderLatch(ca, path, "a");
                a.start();
                if (!a.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("latch a did not lead");
                }
                long[] seenAt = new long[2];
                b.addListener(new LeaderLatchListener() {
                    @Override
                    public void isLeader() {
                        seenAt[1] = System.nanoTime();
                    }

                    @Override
                    public void notLeader() {
                    }
                });
                b.start();
                Thread.sleep(300);
                observer.addWatch(path, e -> {
                    if (e.getType() == Watcher.Event.EventType.NodeDeleted && seenAt[0] == 0) {
                        seenAt[0] = System.nanoTime();
                    }
                }, AddWatchMode.PERSISTENT_RECURSIVE);
                FutureTask<Void> closing = new FutureTask<>(() -> {
                    a.close();
                    return null;
                });
                Thread closer = new Thread(closing, "bench-close");
                long t0 = System.nanoTime();
                closer.start();
                while (!b.hasLeadership()) {
                    if (System.nanoTime() - t0 > TimeUnit.SECONDS.toNanos(20)) {
                        throw new IllegalStateException("latch b did not lead");
                    }
                    Thread.sleep(0, 500_000);
                }
                long took = System.nanoTime() - t0;
                closing.get(20, TimeUnit.SECONDS);
                Thread.sleep(50);
                observer.removeAllWatches(path, Watcher.WatcherType.Any, true);
                if (i >= 3) {
                    t[0][i - 3] = seenAt[0] - t0;
                    t[1][i - 3] = seenAt[1] - t0;
                    t[2][i - 3] = took;
                }
            }
        }
        for (long[] col : t) {
            Arrays.sort(col);
        }
        return t;
    }

    private static CuratorFramework client(String server) {
        CuratorFramework c = CuratorFrameworkFactory.newClient(server, 2000, 2000,
                new RetryOneTime(100));
        c.start();
        return c;
    }

    private static Baton baton(String server, String id, ElectionSettings settings) {
        LeaseStore store = ZooKeeperLeaseStoreFactory.open(server, "/timeline", Optional.empty(), TTL,
                Duration.ofSeconds(5));
        return Baton.builder().store(new Stamped(store)).participant(id).defaults(settings).build();
    }

    /** Forwards every call, stamping releases, acquires and watch callbacks into {@link #current}. */
    private record Stamped(LeaseStore d) implements LeaseStore {
        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
            return tryAcquire(name, holder, ttl, Map.of());
        }

        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> m) {
            Stamps s = current;
            boolean first = s.acquireSent == 0 && s.releaseSent != 0;
            long t = System.nanoTime();
            Optional<LeaseRecord> r = d.tryAcquire(name, holder, ttl, m);
            if (first && r.isPresent() && r.get().holder().equals(holder)) {
                s.acquireSent = t;
                s.acquireAnswered = System.nanoTime();
            }
            return r;
        }

        @Override
        public Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
                Map<String, String> m) {
            Stamps s = current;
            boolean first = s.acquireSent == 0 && s.releaseSent != 0;
            long t = System.nanoTime();
            Optional<LeaseRecord> r = d.takeHandedOver(name, holder, ttl, m);
            if (first && r.isPresent()) {
                s.acquireSent = t;
                s.acquireAnswered = System.nanoTime();
            }
            return r;
        }

        @Override
        public boolean supportsMetadata() {
            return d.supportsMetadata();
        }

        @Override
        public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
            return d.renew(name, holder, token, ttl);
        }

        @Override
        public int renewBatchLimit() {
            return d.renewBatchLimit();
        }

        @Override
        public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
            return d.renewAll(requests);
        }

        @Override
        public boolean release(String name, String holder, long token) {
            Stamps s = current;
            boolean first = s.releaseSent == 0;
            if (first) {
                s.releaseSent = System.nanoTime();
            }
            boolean r = d.release(name, holder, token);
            if (first) {
                s.releaseAnswered = System.nanoTime();
            }
            return r;
        }

        @Override
        public Optional<LeaseRecord> read(String name) {
            return d.read(name);
        }

        @Override
        public Optional<AutoCloseable> watch(String name, Runnable onChange) {
            return d.watch(name, () -> {
                Stamps s = current;
                if (s.watchEvent == 0 && s.releaseSent != 0) {
                    s.watchEvent = System.nanoTime();
                }
                onChange.run();
            });
        }

        @Override
        public Duration maxCallTime() {
            return d.maxCallTime();
        }

        @Override
        public String describe() {
            return d.describe();
        }

        @Override
        public void close() {
            d.close();
        }
    }
}
