package dev.baton.backend.zookeeper.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.zookeeper.ZkParticipant;
import dev.baton.backend.zookeeper.ZkTestServer;
import dev.baton.backend.zookeeper.ZooKeeperLeaseStore;
import dev.baton.backend.zookeeper.ZooKeeperLeaseStoreFactory;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.testfixtures.ParticipantProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.RetryOneTime;
import org.apache.zookeeper.CreateMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On-demand benchmark of the ZooKeeper backend against an in-process ZooKeeper 3.9 (loopback; not part of
 * {@code verify}): {@code ./mvnw -f backends/zookeeper/pom.xml test -Dtest=ZooKeeperBenchmark -Dbaton.bench=true
 * -Dsurefire.failIfNoSpecifiedTests=false}. Raw Curator round trips (getData, setData) are the baseline for acquire
 * and renew; graceful handover is measured in-process, crash handover with a participant process killed by
 * {@code kill -9} (its session then has to expire: session timeout = ttl = 2 s).
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class ZooKeeperBenchmark {
    private static final int N = 1000;

    @Test
    void run() throws Exception {
        ZkTestServer server = new ZkTestServer().start("bench");
        try {
            StringBuilder report = new StringBuilder("zookeeper backend benchmark (in-process ZooKeeper 3.9.3 on "
                    + "loopback, " + Runtime.getRuntime().availableProcessors() + " cpus, java "
                    + System.getProperty("java.version") + ")\n");
            Duration ttl = Duration.ofSeconds(30);
            try (CuratorFramework raw = CuratorFrameworkFactory.newClient(server.connectString(), new RetryOneTime(100));
                    ZooKeeperLeaseStore store = ZooKeeperLeaseStoreFactory.open(server.connectString(), "/bench",
                            Optional.empty(), ttl, Duration.ofSeconds(5))) {
                raw.start();
                raw.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath("/raw/node");
                for (int i = 0; i < 300; i++) { // warm-up
                    raw.getData().forPath("/raw/node");
                    raw.setData().forPath("/raw/node", new byte[8]);
                    LeaseRecord r = store.tryAcquire("warm-" + i, "me", ttl).orElseThrow();
                    store.renew("warm-" + i, "me", r.token(), ttl).orElseThrow();
                }
                long[] rawRead = new long[N];
                long[] rawWrite = new long[N];
                long[] acquire = new long[N];
                long[] renew = new long[N];
                LeaseRecord held = store.tryAcquire("bench", "me", ttl).orElseThrow();
                for (int i = 0; i < N; i++) {
                    long t0 = System.nanoTime();
                    raw.getData().forPath("/raw/node");
                    rawRead[i] = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    raw.setData().forPath("/raw/node", new byte[8]);
                    rawWrite[i] = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    store.tryAcquire("acq-" + i, "me", ttl).orElseThrow();
                    acquire[i] = System.nanoTime() - t0;
                    t0 = System.nanoTime();
                    store.renew("bench", "me", held.token(), ttl).orElseThrow();
                    renew[i] = System.nanoTime() - t0;
                }
                report.append(line("raw Curator getData round trip", rawRead));
                report.append(line("raw Curator setData round trip", rawWrite));
                report.append(line("tryAcquire of a never-used name (2 reads, 2 writes)", acquire));
                report.append(line("renew (one check+setData transaction)", renew));
            }
            report.append(line("graceful handover (close -> follower ACQUIRED)", graceful(server, 20)));
            report.append(line("crash handover (kill -9 -> follower ACQUIRED, ttl=session 2s)", crash(server, 6)));
            System.out.println(report);
            Files.createDirectories(Path.of("target", "bench"));
            Files.writeString(Path.of("target", "bench", "zookeeper-benchmark.txt"), report);
        } finally {
            server.close();
        }
    }

    private static Baton baton(ZkTestServer server, String id, ElectionSettings settings) {
        return Baton.builder().store(ZooKeeperLeaseStoreFactory.open(server.connectString(), "/bench-election",
                Optional.empty(), settings.ttl(), Duration.ofSeconds(1))).participant(id).defaults(settings).build();
    }

    private static long[] graceful(ZkTestServer server, int rounds) throws Exception {
        long[] took = new long[rounds];
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(10), Duration.ofSeconds(3));
        for (int i = 0; i < rounds; i++) {
            String group = "graceful-" + i;
            Baton first = baton(server, "first", settings);
            LeaderElection e1 = first.election(group);
            if (!e1.awaitLeadership(Duration.ofSeconds(10))) {
                throw new AssertionError("first did not lead");
            }
            try (Baton second = baton(server, "second", settings)) {
                long[] at = new long[1];
                CountDownLatch acquired = new CountDownLatch(1);
                second.election(group).onChange(ev -> {
                    if (ev.acquired()) {
                        at[0] = System.nanoTime();
                        acquired.countDown();
                    }
                });
                Thread.sleep(300);
                long t0 = System.nanoTime();
                first.close();
                if (!acquired.await(15, TimeUnit.SECONDS)) {
                    throw new AssertionError("second did not take over");
                }
                took[i] = at[0] - t0;
            }
        }
        return took;
    }

    private static long[] crash(ZkTestServer server, int rounds) throws Exception {
        long[] took = new long[rounds];
        Path logs = Files.createDirectories(Path.of("target", "bench", "logs"));
        Duration ttl = Duration.ofSeconds(2);
        Duration renew = Duration.ofMillis(500);
        for (int i = 0; i < rounds; i++) {
            String group = "crash-" + i;
            List<ParticipantProcess> ps = new ArrayList<>();
            try {
                ParticipantProcess leader =
                        ZkParticipant.start(server.connectString(), group, "p1-" + i, ttl, renew, logs);
                ps.add(leader);
                leader.await("leads", l -> l.startsWith("EVENT LEADER"), Duration.ofSeconds(15));
                ParticipantProcess follower =
                        ZkParticipant.start(server.connectString(), group, "p2-" + i, ttl, renew, logs);
                ps.add(follower);
                Thread.sleep(500);
                int mark = follower.mark();
                long t0 = System.nanoTime();
                leader.kill9();
                var line = follower.awaitFrom(mark, "leads", l -> l.startsWith("EVENT LEADER"), Duration.ofSeconds(15));
                took[i] = Long.parseLong(line.text().split(" ")[4]) - t0;
            } finally {
                for (ParticipantProcess p : ps) {
                    p.close();
                }
            }
        }
        return took;
    }

    static String line(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return String.format("%-62s n=%-5d p50=%9.3f ms  p90=%9.3f ms  p99=%9.3f ms  max=%9.3f ms%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[Math.min(s.length - 1,
                        (int) (s.length * 0.99))] / 1e6, s[s.length - 1] / 1e6);
    }
}
