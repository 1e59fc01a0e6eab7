package dev.baton.backend.file.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.file.FileLeaseStore;
import dev.baton.backend.file.FileParticipant;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.testfixtures.ParticipantProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * On-demand benchmark of the file backend (not part of {@code verify}):
 * {@code ./mvnw -f backends/file/pom.xml test -Dtest=FileBenchmark -Dbaton.bench=true -Dsurefire.failIfNoSpecifiedTests=false}.
 * Measures acquire and renew latency against a raw write of a record-sized file (the cheapest write doing a renewal's
 * job), graceful handover between two
 * in-process participants, and crash handover (kill -9 of a leader process) between processes.
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class FileBenchmark {
    private static final int N = 2000;
    private static final byte[] RAW_RECORD = new byte[100];

    @Test
    void run() throws Exception {
        Path dir = Files.createDirectories(Path.of("target", "bench", "leases-" + System.nanoTime()));
        Path logs = Files.createDirectories(Path.of("target", "bench", "logs"));
        StringBuilder report = new StringBuilder("file backend benchmark (" + dir.toAbsolutePath() + ", fs "
                + Files.getFileStore(dir).type() + ", " + Runtime.getRuntime().availableProcessors() + " cpus, java "
                + System.getProperty("java.version") + ")\n");
        try (FileLeaseStore store = FileLeaseStore.open(dir)) {
            Duration ttl = Duration.ofSeconds(30);
            for (int i = 0; i < 200; i++) { // warm-up
                LeaseRecord r = store.tryAcquire("warm-" + i, "me", ttl).orElseThrow();
                store.renew("warm-" + i, "me", r.token(), ttl);
                Files.write(dir.resolve("raw-warm"), RAW_RECORD);
            }
            long[] raw = new long[N];
            long[] acquire = new long[N];
            long[] renew = new long[N];
            LeaseRecord held = store.tryAcquire("bench", "me", ttl).orElseThrow();
            for (int i = 0; i < N; i++) {
                long t0 = System.nanoTime();
                Files.write(dir.resolve("raw"), RAW_RECORD);
                raw[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                store.tryAcquire("acq-" + i, "me", ttl).orElseThrow();
                acquire[i] = System.nanoTime() - t0;
                t0 = System.nanoTime();
                store.renew("bench", "me", held.token(), ttl).orElseThrow();
                renew[i] = System.nanoTime() - t0;
            }
            report.append(line("raw write of a 100-byte file (open, write, close; no fsync)", raw));
            report.append(line("tryAcquire of a free lease (fsync on)", acquire));
            report.append(line("renew", renew));
        }
        report.append(line("graceful handover (close -> follower ACQUIRED)", gracefulHandover(dir, 20)));
        report.append(line("crash handover (kill -9 -> follower ACQUIRED, ttl 2s)", crashHandover(dir, logs, 8)));
        System.out.println(report);
        Files.writeString(Path.of("target", "bench", "file-benchmark.txt"), report);
    }

    private static long[] gracefulHandover(Path dir, int rounds) throws Exception {
        long[] took = new long[rounds];
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(10), Duration.ofSeconds(3));
        for (int i = 0; i < rounds; i++) {
            String group = "graceful-" + i;
            Baton first = Baton.builder().store(FileLeaseStore.open(dir)).participant("first").defaults(settings).build();
            LeaderElection e1 = first.election(group);
            if (!e1.awaitLeadership(Duration.ofSeconds(10))) {
                throw new AssertionError("first did not lead");
            }
            try (Baton second = Baton.builder().store(FileLeaseStore.open(dir)).participant("second")
                    .defaults(settings).build()) {
                long[] acquiredAt = new long[1];
                CountDownLatch acquired = new CountDownLatch(1);
                LeaderElection e2 = second.election(group);
                e2.onChange(ev -> {
                    if (ev.acquired()) {
                        acquiredAt[0] = System.nanoTime();
                        acquired.countDown();
                    }
                });
                Thread.sleep(200); // let the follower settle into its wait (the engine opens its watch first)
                long t0 = System.nanoTime();
                first.close();
                if (!acquired.await(10, TimeUnit.SECONDS)) {
                    throw new AssertionError("second did not take over");
                }
                took[i] = acquiredAt[0] - t0;
            }
        }
        return took;
    }

    private static long[] crashHandover(Path dir, Path logs, int rounds) throws Exception {
        long[] took = new long[rounds];
        Duration ttl = Duration.ofSeconds(2);
        Duration renew = Duration.ofMillis(500);
        for (int i = 0; i < rounds; i++) {
            String group = "crash-" + i;
            List<ParticipantProcess> ps = new ArrayList<>();
            try {
                ParticipantProcess leader = FileParticipant.start(dir, group, "p1-" + i, ttl, renew, logs);
                ps.add(leader);
                leader.await("leads", l -> l.startsWith("EVENT LEADER"), Duration.ofSeconds(10));
                ParticipantProcess follower = FileParticipant.start(dir, group, "p2-" + i, ttl, renew, logs);
                ps.add(follower);
                Thread.sleep(300);
                int mark = follower.mark();
                long t0 = System.nanoTime();
                leader.kill9();
                ParticipantProcess.Line line = follower.awaitFrom(mark, "leads",
                        l -> l.startsWith("EVENT LEADER"), Duration.ofSeconds(10));
                // The child stamps the event with its own System.nanoTime (CLOCK_MONOTONIC, shared on Linux).
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
        return String.format("%-58s n=%-5d p50=%9.3f ms  p90=%9.3f ms  p99=%9.3f ms  max=%9.3f ms%n", what, s.length,
                s[s.length / 2] / 1e6, s[(int) (s.length * 0.9)] / 1e6, s[Math.min(s.length - 1,
                        (int) (s.length * 0.99))] / 1e6, s[s.length - 1] / 1e6);
    }
}
