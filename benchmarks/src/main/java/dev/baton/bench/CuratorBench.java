package dev.baton.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.framework.recipes.leader.LeaderLatch;
import org.apache.curator.retry.ExponentialBackoffRetry;

/**
 * Apache Curator's {@link LeaderLatch} on the same ZooKeeper, measured exactly like Baton's failover in
 * {@link FailoverBench}: graceful = the leader's latch closed in this JVM; crash = the leading JVM killed with
 * SIGKILL. Session timeout = Baton's ttl (2 s), so both promise the same bound.
 */
final class CuratorBench {
    /**
     * The figures.
     *
     * @param interleaved the handovers measured between Curator's, one after each ({@link #run}), empty when none
     */
    record Result(Samples graceful, Samples crash, int sessionTimeoutMs, Samples interleaved) {}

    /** One handover of another kind, measured between two of Curator's. */
    @FunctionalInterface
    interface Handover {
        /**
         * @param run the run's number
         * @return nanoseconds from the start of the leader's close until the follower leads
         */
        long measure(int run) throws Exception;
    }

    private CuratorBench() {}

    /**
     * @param interleaved a handover to measure after each of Curator's graceful ones (the same number of runs, at
     *     the same point of the JVM's warm-up), or null
     */
    static Result run(BackendUnderTest zk, int gracefulRuns, int crashRuns, Handover interleaved) throws Exception {
        Samples between = new Samples();
        String connect = "127.0.0.1:" + zk.port();
        int session = (int) FailoverBench.TTL.toMillis();
        Samples graceful = new Samples();
        for (int i = 0; i < gracefulRuns; i++) {
            String path = "/latch-graceful-" + i + "-" + System.nanoTime();
            try (CuratorFramework ca = client(connect, session); CuratorFramework cb = client(connect, session);
                    LeaderLatch b = new LeaderLatch(cb, path, "b")) {
                LeaderLatch a = new LeaderLatch(ca, path, "a");
                a.start();
                if (!a.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("Curator latch a did not lead");
                }
                b.start();
                Thread.sleep(300);
                graceful.add(Poll.handover("latch b leads", a, b::hasLeadership, Duration.ofSeconds(20)));
            }
            if (interleaved != null) {
                between.add(interleaved.measure(i));
            }
        }
        Samples crash = new Samples();
        for (int i = 0; i < crashRuns; i++) {
            String path = "/latch-crash-" + i + "-" + System.nanoTime();
            Process leader = new ProcessBuilder(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx96m",
                    "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp", System.getProperty("java.class.path"),
                    CuratorParticipant.class.getName(), connect, path, "crashing", Integer.toString(session)))
                    .redirectErrorStream(true).start();
            try (CuratorFramework cb = client(connect, session); LeaderLatch b = new LeaderLatch(cb, path, "b")) {
                BufferedReader out = new BufferedReader(new InputStreamReader(leader.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = out.readLine()) != null && !line.equals("LEADER")) {
                    // skip the JVM's and ZooKeeper client's chatter
                }
                if (line == null) {
                    throw new IllegalStateException("the Curator participant JVM ended before leading");
                }
                Thread drain = new Thread(() -> {
                    try {
                        out.transferTo(java.io.Writer.nullWriter());
                    } catch (java.io.IOException ignored) {
                        // process gone
                    }
                });
                drain.setDaemon(true);
                drain.start();
                b.start();
                Thread.sleep(500);
                if (b.hasLeadership()) {
                    throw new IllegalStateException("latch b leads before the crash");
                }
                long t0 = System.nanoTime();
                leader.destroyForcibly();
                long t1 = Poll.until("latch b leads", b::hasLeadership, Duration.ofSeconds(60));
                crash.add(t1 - t0);
            } finally {
                leader.destroyForcibly();
                leader.waitFor(10, TimeUnit.SECONDS);
            }
        }
        return new Result(graceful, crash, session, between);
    }

    private static CuratorFramework client(String connect, int session) throws InterruptedException {
        CuratorFramework c = CuratorFrameworkFactory.newClient(connect, session, session / 2,
                new ExponentialBackoffRetry(100, 10));
        c.start();
        if (!c.blockUntilConnected(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("ZooKeeper not reachable at " + connect);
        }
        return c;
    }
}
