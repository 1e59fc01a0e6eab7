package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.chaos.ChaosParticipant;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Failover per backend with the run's ttl (2 s, renew 500 ms).
 *
 * <ul>
 *   <li>Graceful handover: two participants in this JVM; the leader's {@link Baton#close()} starts the clock, the
 *       follower's {@code isLeader()} turning true stops it (polled every 0.5 ms).</li>
 *   <li>Crash failover: the leader is a separate JVM ({@link ChaosParticipant}) killed with SIGKILL; the clock runs
 *       from the kill to the in-process follower leading.</li>
 * </ul>
 */
final class FailoverBench {
    static final Duration TTL = Duration.ofSeconds(2);
    static final Duration RENEW = Duration.ofMillis(500);

    /** One backend's figures. */
    record Result(String backend, Samples graceful, Samples crash) {}

    private FailoverBench() {}

    static Result run(BackendUnderTest b, int gracefulRuns, int crashRuns) throws Exception {
        Samples graceful = graceful(b.name, () -> b.newStore(TTL), gracefulRuns);
        ElectionSettings settings = ElectionSettings.of(TTL, RENEW);
        Samples crash = new Samples();
        for (int i = 0; i < crashRuns; i++) {
            String group = "crash-" + Long.toString(System.nanoTime(), 36);
            String leaderId = "crashing-" + i;
            Process leader = startParticipant(b, leaderId, group);
            try (LeaseStore probe = b.newStore(TTL)) {
                Poll.until("the separate JVM leads", () -> probe.read(group).map(r -> r.heldBy(leaderId))
                        .orElse(false), Duration.ofSeconds(60));
            } catch (RuntimeException e) {
                leader.destroyForcibly();
                throw e;
            }
            Baton follower = baton(b, "survivor-" + i, settings);
            try {
                LeaderElection e = follower.election(group);
                Thread.sleep(500);
                if (e.isLeader()) {
                    throw new IllegalStateException(b.name + ": the follower leads before the crash");
                }
                long t0 = System.nanoTime();
                leader.destroyForcibly();
                long t1 = Poll.until("the survivor leads", e::isLeader, Duration.ofSeconds(60));
                crash.add(t1 - t0);
            } finally {
                leader.destroyForcibly();
                leader.waitFor(10, TimeUnit.SECONDS);
                follower.close();
            }
        }
        return new Result(b.name, graceful, crash);
    }

    /**
     * Graceful handovers: two participants, each with a store of its own from {@code stores}; the leader's
     * {@link Baton#close()} starts the clock, the follower's {@code isLeader()} turning true stops it. Also run by
     * {@link ComparisonProbe} on a baseline's jars.
     */
    static Samples graceful(String backend, Supplier<LeaseStore> stores, int runs) throws Exception {
        return graceful(backend, stores, runs, false);
    }

    /**
     * As {@link #graceful(String, Supplier, int)}, the leader handing over either by {@link Baton#close()} (the whole
     * participant: its groups, threads and store client) or, with {@code leaveGroupOnly}, by the group's
     * {@link LeaderElection#close()} (the group alone, the participant and its store client left running: what
     * Curator's {@code LeaderLatch.close()} does, in {@link CuratorBench}).
     */
    static Samples graceful(String backend, Supplier<LeaseStore> stores, int runs, boolean leaveGroupOnly)
            throws Exception {
        Samples graceful = new Samples();
        for (int i = 0; i < runs; i++) {
            graceful.add(gracefulOnce(backend, stores, i, leaveGroupOnly));
        }
        return graceful;
    }

    /**
     * One graceful handover of {@link #graceful(String, Supplier, int, boolean)}.
     *
     * @param run the run's number, in the participants' ids
     * @return nanoseconds from the start of the leader's close until the follower leads
     */
    static long gracefulOnce(String backend, Supplier<LeaseStore> stores, int run, boolean leaveGroupOnly)
            throws Exception {
        ElectionSettings settings = ElectionSettings.of(TTL, RENEW);
        String group = "handover-" + Long.toString(System.nanoTime(), 36);
        Baton a = baton(stores, "a" + run, settings);
        Baton bb = baton(stores, "b" + run, settings);
        try {
            LeaderElection ea = a.election(group);
            if (!ea.awaitLeadership(Duration.ofSeconds(20))) {
                throw new IllegalStateException(backend + ": first participant did not lead");
            }
            LeaderElection eb = bb.election(group);
            Thread.sleep(300); // let the follower settle (read the holder, open its watch)
            return Poll.handover("the follower leads", leaveGroupOnly ? ea : a, eb::isLeader, Duration.ofSeconds(20));
        } finally {
            a.close();
            bb.close();
        }
    }

    private static Baton baton(BackendUnderTest b, String id, ElectionSettings settings) {
        return baton(() -> b.newStore(TTL), id, settings);
    }

    private static Baton baton(Supplier<LeaseStore> stores, String id, ElectionSettings settings) {
        return Baton.builder().store(stores.get()).participant(id).defaults(settings).build();
    }

    static Process startParticipant(BackendUnderTest b, String id, String group) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of("-Xmx96m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        for (Map.Entry<String, String> e : b.config().entrySet()) {
            cmd.add("-D" + e.getKey() + "=" + e.getValue());
        }
        cmd.add("-Dchaos.id=" + id);
        cmd.add("-Dchaos.group=" + group);
        cmd.add("-Dchaos.record=" + b.dir.resolve("failover-" + id + ".rec"));
        cmd.add("-Dchaos.epoch-nanos=" + System.nanoTime());
        cmd.add("-Dchaos.ttl=" + TTL.toMillis() + "ms");
        cmd.add("-Dchaos.renew=" + RENEW.toMillis() + "ms");
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(ChaosParticipant.class.getName());
        return new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(b.dir.resolve("failover-" + id + ".log").toFile()))
                .start();
    }
}
