package dev.baton.bench;

import dev.baton.chaos.ChaosRun;
import dev.baton.testfixtures.FreePorts;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Section 3 for the embedded Raft backend, which has no server: the participants are the store. Every run starts a
 * fresh group of three JVMs on loopback ({@link RaftBenchMember}: a Raft member and a participant each, a data
 * directory each), waits for a Raft leader, lets the chosen member lead the group first and then the two others
 * compete, and ends the leader's tenure:
 *
 * <ul>
 *   <li>graceful: {@code Baton.close()} in the leading JVM (the clock starts when the benchmark sends it the command);
 *   <li>crash: SIGKILL of the leading JVM.
 * </ul>
 *
 * <p>The clock stops at the survivor's {@code LeadershipChanged} to LEADER, stamped with {@link System#nanoTime()} in
 * its JVM (the same system-wide monotonic clock on Linux). Each kind runs in two cases: the Baton leader is not the
 * Raft leader (the Raft leader times the dead holder's lease out), and it is (the survivors first need a new Raft
 * leader: failure detection, {@code baton.raft.failure-detection-timeout}, default 4 s, then a vote, and the new
 * leader restarts every lease timer with the full ttl). A run whose Raft leader changed before the end of the tenure is
 * discarded and tried again.
 */
final class RaftFailoverBench {
    static final Duration FAILURE_DETECTION = Duration.ofSeconds(4);
    private static final int MEMBERS = 3;
    private static final String GROUP = "failover";

    /** Both cases' figures. */
    record Result(FailoverBench.Result notRaftLeader, FailoverBench.Result raftLeader, int discarded) {}

    private RaftFailoverBench() {}

    static Result run(Path workDir, int gracefulRuns, int crashRuns) throws Exception {
        Path dir = workDir.resolve("raft").toAbsolutePath();
        ChaosRun.deleteRecursively(dir);
        Files.createDirectories(dir);
        Samples[][] samples = {{new Samples(), new Samples()}, {new Samples(), new Samples()}};
        int discarded = 0;
        int attempt = 0;
        for (boolean raftLeader : new boolean[] {false, true}) {
            for (boolean crash : new boolean[] {false, true}) {
                Samples s = samples[raftLeader ? 1 : 0][crash ? 1 : 0];
                int runs = crash ? crashRuns : gracefulRuns;
                while (s.size() < runs) {
                    if (discarded > 2 * (gracefulRuns + crashRuns)) {
                        throw new IllegalStateException("raft: too many runs discarded (" + discarded + ")");
                    }
                    Optional<Long> t = once(dir.resolve("run-" + attempt++), raftLeader, crash);
                    if (t.isPresent()) {
                        s.add(t.get());
                    } else {
                        discarded++;
                    }
                }
            }
        }
        return new Result(new FailoverBench.Result("raft, Baton leader not the Raft leader", samples[0][0],
                samples[0][1]), new FailoverBench.Result("raft, Baton leader = Raft leader", samples[1][0],
                samples[1][1]), discarded);
    }

    /** @return the takeover time, or empty when the Raft leader changed during the run (discarded) */
    private static Optional<Long> once(Path dir, boolean raftLeader, boolean crash) throws Exception {
        Files.createDirectories(dir);
        int[] ports = FreePorts.next(MEMBERS);
        List<String> entries = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            entries.add("node-" + (i + 1) + "@127.0.0.1:" + ports[i]);
        }
        String members = String.join(",", entries);
        List<Member> group = new ArrayList<>();
        try {
            for (int i = 0; i < MEMBERS; i++) {
                group.add(Member.start("node-" + (i + 1), members, dir));
            }
            for (Member m : group) {
                m.await("READY", Duration.ofSeconds(60));
            }
            Member raft = Member.raftLeader(group, Duration.ofSeconds(60));
            Member target = raftLeader ? raft : group.stream().filter(m -> m != raft).findFirst().orElseThrow();
            target.send("compete");
            Poll.until(target.id + " leads", () -> target.ask("status").equals("STATUS true"), Duration.ofSeconds(30));
            List<Member> others = group.stream().filter(m -> m != target).toList();
            for (Member m : others) {
                m.send("compete");
                m.await("COMPETING", Duration.ofSeconds(10));
            }
            Thread.sleep(1000); // let the followers settle: their first attempt answered, their watch open
            if (!target.ask("status").equals("STATUS true")) {
                throw new IllegalStateException("raft: " + target.id + " no longer leads before the end of its tenure");
            }
            if (Member.currentRaftLeader(group) != raft) {
                return Optional.empty();
            }
            long t0 = System.nanoTime();
            if (crash) {
                target.process.destroyForcibly();
            } else {
                target.send("quit");
            }
            long t1 = Poll.until("a survivor leads", () -> others.stream().anyMatch(m -> m.ledAt().isPresent()),
                    Duration.ofSeconds(60));
            long at = others.stream().flatMap(m -> m.ledAt().stream()).min(Long::compare).orElse(t1);
            boolean raftLeaderChanged = !raftLeader && Member.currentRaftLeader(group) != raft;
            if (at - t0 < 0 || raftLeaderChanged) {
                return Optional.empty();
            }
            return Optional.of(at - t0);
        } finally {
            for (Member m : group) {
                m.process.destroyForcibly();
            }
            for (Member m : group) {
                m.process.waitFor(10, TimeUnit.SECONDS);
                m.log.close();
            }
            ChaosRun.deleteRecursively(dir);
        }
    }

    /** One member JVM and what it printed. */
    private static final class Member {
        final String id;
        final Process process;
        final PrintWriter stdin;
        final Writer log;
        final List<String> lines = new ArrayList<>();

        private Member(String id, Process process, Writer log) {
            this.id = id;
            this.process = process;
            this.log = log;
            this.stdin = new PrintWriter(process.getOutputStream(), true, StandardCharsets.UTF_8);
        }

        static Member start(String id, String members, Path dir) throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.addAll(List.of("-Xmx128m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Djava.net.preferIPv4Stack=true"));
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(RaftBenchMember.class.getName());
            cmd.addAll(List.of(members, id, dir.resolve(id).toString(), GROUP,
                    Long.toString(FailoverBench.TTL.toMillis()), Long.toString(FailoverBench.RENEW.toMillis())));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Member m = new Member(id, p, Files.newBufferedWriter(dir.resolve(id + ".log"), StandardCharsets.UTF_8));
            Thread reader = new Thread(m::read, "raft-bench-" + id);
            reader.setDaemon(true);
            reader.start();
            return m;
        }

        private void read() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (this) {
                        lines.add(line);
                        notifyAll();
                    }
                    synchronized (log) {
                        log.write(line + "\n");
                    }
                }
            } catch (IOException e) {
                // the process was killed, or the log closed: nothing more to read
            }
        }

        void send(String command) {
            stdin.println(command);
        }

        /** @return the first line printed from now on that starts with {@code prefix} */
        String ask(String command) {
            int from;
            synchronized (this) {
                from = lines.size();
            }
            send(command);
            String prefix = command.toUpperCase(Locale.ROOT);
            return await(prefix, from, Duration.ofSeconds(10));
        }

        String await(String prefix, Duration timeout) {
            return await(prefix, 0, timeout);
        }

        private synchronized String await(String prefix, int from, Duration timeout) {
            long end = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (int i = from; i < lines.size(); i++) {
                    if (lines.get(i).startsWith(prefix)) {
                        return lines.get(i);
                    }
                }
                long left = end - System.nanoTime();
                if (left <= 0 || !process.isAlive()) {
                    throw new IllegalStateException("raft: " + id + " printed no " + prefix + " line"
                            + (process.isAlive() ? " within " + timeout.toSeconds() + " s" : "; it exited")
                            + "; it printed: " + String.join(" | ", lines.subList(Math.max(0, lines.size() - 8),
                                    lines.size())));
                }
                try {
                    wait(Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                }
            }
        }

        /** @return whether its last Raft role line says leader */
        synchronized boolean isRaftLeader() {
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith("RAFT ")) {
                    return lines.get(i).startsWith("RAFT LEADER");
                }
            }
            return false;
        }

        /** @return when it announced leadership of the group, by its own clock */
        synchronized Optional<Long> ledAt() {
            return lines.stream().filter(l -> l.startsWith("EVENT LEADER "))
                    .map(l -> Long.parseLong(l.substring(l.lastIndexOf(' ') + 1))).findFirst();
        }

        static Member currentRaftLeader(List<Member> group) {
            return group.stream().filter(m -> m.process.isAlive() && m.isRaftLeader()).findFirst().orElse(null);
        }

        static Member raftLeader(List<Member> group, Duration timeout) {
            Poll.until("a Raft leader", () -> currentRaftLeader(group) != null, timeout);
            return currentRaftLeader(group);
        }
    }
}
