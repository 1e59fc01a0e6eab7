package dev.baton.chaos;

import dev.baton.spi.Durations;
import dev.baton.testfixtures.ServerProcess;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The chaos controller: starts a backend and N participant JVMs (each behind its own TCP proxy when the backend is
 * reached over the network), injects faults one after another in random order until the run's time is up, stops
 * everything, then runs {@link ChaosChecker} on the records and writes the report under
 * {@code <report root>/<backend>/}.
 *
 * <p>Between faults it waits until some participant leads again, then lets the cluster run calmly for 1-2.5 s.
 * Each round of faults is a fresh shuffle of every kind the backend supports, so a run of a few rounds sees each
 * kind at least once. A run given {@link Builder#minimumFaults(int)} goes on past its duration until it has
 * injected that many faults, and at least as many as there are kinds (a full round unless a leader fault found no
 * leader to hit), however slowly a busy machine gets through them.
 *
 * <p>Controller log {@code faults.rec}: {@code P id pid nanos} (participant started), {@code K id nanos} (killed on
 * purpose), {@code F n kind target nanos} (fault injected), {@code R n nanos} (fault healed), {@code B nanos} /
 * {@code Z nanos} (fault phase began / ended).
 */
public final class ChaosRun {
    private final ChaosBackend backend;
    private final int participants;
    private final Duration duration;
    private final Duration ttl;
    private final Duration renew;
    private final Duration tick;
    private final Duration probe;
    private final Duration leaderSlack;
    private final Duration serverSlack;
    private final long seed;
    private final Set<FaultKind> faults;
    private final Path reportRoot;
    private final Duration unsafeWork;
    private final int minimumFaults;

    private final Random random;
    private final List<ParticipantProcess> processes = new ArrayList<>();
    private final Map<Integer, TcpProxy> proxies = new HashMap<>();
    private RecordFile log;
    private int faultNumber;

    private ChaosRun(Builder b) {
        this.backend = Objects.requireNonNull(b.backend, "backend");
        this.participants = b.participants;
        this.duration = b.duration;
        this.ttl = b.ttl;
        this.renew = b.renew;
        this.tick = b.tick;
        this.probe = b.probe;
        this.leaderSlack = Timing.scaled(b.leaderSlack).plus(b.backend.failoverAllowance());
        this.serverSlack = Timing.scaled(b.serverSlack).plus(b.backend.failoverAllowance());
        this.seed = b.seed;
        this.faults = b.faults;
        this.reportRoot = b.reportRoot;
        this.unsafeWork = b.unsafeWork;
        this.minimumFaults = b.minimumFaults;
        this.random = new Random(seed);
    }

    /**
     * @param backend the backend under test
     * @return a builder with the defaults: 3 participants, 40 s, ttl 2 s, renew 500 ms, tick 100 ms
     */
    public static Builder builder(ChaosBackend backend) {
        return new Builder(backend);
    }

    /**
     * Runs a chaos run from the command line (the long run): {@code ChaosRun <backend>...} with
     * {@code -Dchaos.duration=10m}, {@code -Dchaos.seed=N}, {@code -Dchaos.faults=KILL_SERVER,PAUSE_LEADER},
     * {@code -Dchaos.report-dir=DIR}. Exits with 1 when any
     * run has violations.
     *
     * @param args backend names ({@link Backends#NAMES})
     */
    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("usage: ChaosRun <backend>... (" + Backends.NAMES + ")");
            System.exit(2);
        }
        boolean ok = true;
        for (String name : args) {
            CheckResult result = fromSystemProperties(Backends.named(name)).build().run();
            System.out.println(Reports.text(result));
            ok &= result.passed();
        }
        System.exit(ok ? 0 : 1);
    }

    /**
     * @param backend the backend
     * @return a builder honouring {@code chaos.duration}, {@code chaos.seed}, {@code chaos.faults} (comma-separated
     *     {@link FaultKind} names) and {@code chaos.report-dir}
     */
    public static Builder fromSystemProperties(ChaosBackend backend) {
        Builder b = builder(backend);
        String d = System.getProperty("chaos.duration", "");
        if (!d.isBlank()) {
            b.duration(Durations.parsePositive(d));
        }
        String seed = System.getProperty("chaos.seed", "");
        if (!seed.isBlank()) {
            b.seed(Long.parseLong(seed.trim()));
        }
        String kinds = System.getProperty("chaos.faults", "");
        if (!kinds.isBlank()) {
            Set<FaultKind> set = EnumSet.noneOf(FaultKind.class);
            for (String k : kinds.split(",")) {
                set.add(FaultKind.valueOf(k.trim().toUpperCase(java.util.Locale.ROOT)));
            }
            b.faults(set);
        }
        String dir = System.getProperty("chaos.report-dir", "");
        if (!dir.isBlank()) {
            b.reportRoot(Path.of(dir));
        }
        return b;
    }

    /**
     * Runs the chaos run and checks it.
     *
     * @return the checker's verdict (also written as the report)
     */
    public CheckResult run() {
        String folder = backend.name() + (unsafeWork.isZero() ? "" : "-negative-control");
        Path dir = reportRoot.resolve(folder).toAbsolutePath();
        // Two builds of this module at once (a developer's and CI's) would share the folder and mix their records:
        // the second waits for the first.
        try {
            Files.createDirectories(reportRoot);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + reportRoot, e);
        }
        try (FileChannel lockFile = FileChannel.open(reportRoot.resolve(folder + ".lock"), StandardOpenOption.CREATE,
                        StandardOpenOption.WRITE);
                FileLock lock = lockFile.lock()) {
            return runLocked(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + reportRoot.resolve(folder + ".lock"), e);
        }
    }

    private CheckResult runLocked(Path dir) {
        deleteRecursively(dir);
        long epoch = System.nanoTime();
        try {
            backend.start(dir.resolve("backend"), participants);
            Set<FaultKind> kinds = applicableFaults();
            writeSettings(dir, epoch, kinds);
            log = new RecordFile(dir.resolve("faults.rec"));
            for (int i = 1; i <= participants; i++) {
                int port = 0;
                Optional<Integer> serverPort = backend.port();
                if (serverPort.isPresent()) {
                    TcpProxy proxy = TcpProxy.start("127.0.0.1", serverPort.get());
                    proxies.put(i, proxy);
                    port = proxy.port();
                }
                Map<String, String> props = new LinkedHashMap<>(backend.config(i, port));
                props.put("chaos.epoch-nanos", Long.toString(epoch));
                props.put("chaos.ttl", ttl.toMillis() + "ms");
                props.put("chaos.renew", renew.toMillis() + "ms");
                props.put("chaos.tick", tick.toMillis() + "ms");
                props.put("chaos.probe", probe.toMillis() + "ms");
                if (!unsafeWork.isZero()) {
                    props.put("chaos.unsafe-work", unsafeWork.toMillis() + "ms");
                }
                ParticipantProcess p = new ParticipantProcess(i, dir, props);
                processes.add(p);
                start(p);
            }
            LeaderTracker tracker = new LeaderTracker(Math.max(250_000_000L, 4 * probe.toNanos()));
            // JVMs and a server starting together on a busy machine: generous, only a failure waits this long.
            Duration firstLeader = Timing.scaled(Duration.ofSeconds(120));
            if (awaitLeader(tracker, firstLeader).isEmpty()) {
                throw new IllegalStateException("no participant led within " + firstLeader.toSeconds()
                        + " s of the start; see " + dir.resolve("logs"));
            }
            log.line("B", System.nanoTime());
            long end = System.nanoTime() + duration.toNanos();
            List<FaultKind> bag = new ArrayList<>();
            // With a minimum, at least that many faults and a round's worth; a cap on attempts keeps a run whose
            // cluster never leads again (faults are skipped then, and the checker reports it) from going on forever.
            int wanted = minimumFaults == 0 ? 0 : Math.max(minimumFaults, kinds.size());
            int attempts = 0;
            while (System.nanoTime() - end < 0 || (faultNumber < wanted && attempts < 4 * wanted)) {
                attempts++;
                sleep(Duration.ofMillis(1000 + random.nextInt(1500))); // calm between faults (pacing)
                Optional<LeaderTracker.Seen> leader = awaitLeader(tracker, ttl.plus(serverSlack).multipliedBy(3));
                if (bag.isEmpty()) {
                    bag.addAll(kinds);
                    Collections.shuffle(bag, random);
                }
                FaultKind kind = bag.remove(0);
                if (leader.isEmpty() && kind.scope() != FaultKind.Scope.SERVER) {
                    continue; // nobody to hit; the checker flags the missing leader through the previous fault
                }
                ParticipantProcess target = leader.map(LeaderTracker.Seen::participant).orElse(null);
                if (kind.needsMembers()) {
                    target = anotherThan(target);
                }
                inject(kind, target, tracker);
                awaitLeader(tracker, ttl.plus(serverSlack).multipliedBy(3));
                sleep(backend.settleTime()); // the store whole again before the next fault
            }
            log.line("Z", System.nanoTime());
            sleep(Duration.ofSeconds(1)); // a last second of calm work in the records before everything stops
        } finally {
            for (ParticipantProcess p : processes) {
                if (p.isAlive()) {
                    p.signal("CONT"); // in case a fault was cut short
                }
            }
            processes.forEach(ParticipantProcess::terminate);
            proxies.values().forEach(TcpProxy::close);
            backend.close();
            if (log != null) {
                log.close();
            }
        }
        CheckResult result = ChaosChecker.check(RunRecords.read(dir));
        Reports.write(dir, result);
        return result;
    }

    private Set<FaultKind> applicableFaults() {
        Set<FaultKind> kinds = EnumSet.noneOf(FaultKind.class);
        for (FaultKind k : faults) {
            if ((!k.needsProxy() || backend.port().isPresent()) && (!k.needsServer() || backend.server().isPresent())
                    && (!k.needsMembers() || backend.participantsAreTheStore())) {
                kinds.add(k);
            }
        }
        if (kinds.isEmpty()) {
            throw new IllegalStateException("backend " + backend.name() + " can take none of the faults " + faults);
        }
        return kinds;
    }

    private void inject(FaultKind kind, ParticipantProcess target, LeaderTracker tracker) {
        int n = ++faultNumber;
        String targetId = kind.needsServer() ? "server" : target.id();
        log.line("F", n, kind, targetId, System.nanoTime());
        Duration beyondLease = ttl.plusSeconds(1);
        switch (kind) {
            case KILL_LEADER, KILL_MEMBER -> {
                target.kill();
                log.line("K", targetId, System.nanoTime());
                sleep(Duration.ofSeconds(1)); // the fault's duration: restarted one second later
                start(target);
            }
            case STOP_LEADER -> {
                target.terminate();
                start(target);
            }
            case PAUSE_LEADER -> {
                target.signal("STOP");
                try {
                    sleep(beyondLease); // the fault's duration: longer than the lease
                    // The point of the fault is a stale leader waking up after it was replaced: on a busy machine
                    // the takeover may need longer than the lease, so wait (bounded) until someone else leads.
                    awaitLeader(tracker, ttl.plus(leaderSlack).multipliedBy(3), s -> s.participant() != target);
                } finally {
                    target.signal("CONT");
                }
            }
            case CUT_LEADER -> {
                TcpProxy proxy = proxies.get(target.index());
                proxy.cut();
                try {
                    sleep(beyondLease); // the fault's duration: longer than the lease
                } finally {
                    proxy.restore();
                }
            }
            case PARTITION_LEADER -> {
                TcpProxy proxy = proxies.get(target.index());
                proxy.blackhole();
                try {
                    sleep(beyondLease); // the fault's duration: longer than the lease
                } finally {
                    proxy.restore();
                }
            }
            case DELAY_LEADER -> {
                TcpProxy proxy = proxies.get(target.index());
                proxy.setDelay(Duration.ofMillis(100 + random.nextInt(201)));
                try {
                    sleep(Duration.ofSeconds(3)); // the fault's duration
                } finally {
                    proxy.setDelay(Duration.ZERO);
                }
            }
            case PAUSE_MEMBER -> {
                target.signal("STOP");
                try {
                    sleep(beyondLease); // the fault's duration: longer than the lease
                } finally {
                    target.signal("CONT");
                }
            }
            case KILL_SERVER -> {
                ServerProcess server = backend.server().orElseThrow();
                server.kill();
                sleep(Duration.ofMillis(500 + random.nextInt(2501))); // the fault's duration: down 0.5-3 s
                server.restart();
            }
            case PAUSE_SERVER -> {
                ServerProcess server = backend.server().orElseThrow();
                server.pause();
                try {
                    sleep(beyondLease); // the fault's duration: longer than the lease
                } finally {
                    server.resume();
                }
            }
        }
        log.line("R", n, System.nanoTime());
    }

    /** @return a random live participant other than {@code leader} (any when none leads) */
    private ParticipantProcess anotherThan(ParticipantProcess leader) {
        List<ParticipantProcess> others = processes.stream().filter(p -> p != leader && p.isAlive()).toList();
        return others.get(random.nextInt(others.size()));
    }

    private void start(ParticipantProcess p) {
        p.start();
        log.line("P", p.id(), p.pid(), System.nanoTime());
    }

    private Optional<LeaderTracker.Seen> awaitLeader(LeaderTracker tracker, Duration timeout) {
        return awaitLeader(tracker, timeout, s -> true);
    }

    /** Polls the records until a leader that {@code wanted} accepts is seen, or the timeout passes. */
    private Optional<LeaderTracker.Seen> awaitLeader(LeaderTracker tracker, Duration timeout,
            Predicate<LeaderTracker.Seen> wanted) {
        long end = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<LeaderTracker.Seen> seen = tracker.leader(processes).filter(wanted);
            if (seen.isPresent() || System.nanoTime() - end >= 0) {
                return seen;
            }
            sleep(Duration.ofMillis(50)); // poll interval; the deadline decides
        }
    }

    private void writeSettings(Path dir, long epoch, Set<FaultKind> kinds) {
        Properties p = new Properties();
        p.setProperty("backend", backend.name());
        p.setProperty("participants", Integer.toString(participants));
        p.setProperty("ttl.ms", Long.toString(ttl.toMillis()));
        p.setProperty("renew.ms", Long.toString(renew.toMillis()));
        p.setProperty("tick.ms", Long.toString(tick.toMillis()));
        p.setProperty("probe.ms", Long.toString(probe.toMillis()));
        p.setProperty("duration.ms", Long.toString(duration.toMillis()));
        p.setProperty("leader.bound.ms", Long.toString(ttl.plus(leaderSlack).toMillis()));
        p.setProperty("server.bound.ms", Long.toString(ttl.plus(serverSlack).toMillis()));
        p.setProperty("epoch.nanos", Long.toString(epoch));
        p.setProperty("seed", Long.toString(seed));
        p.setProperty("faults", kinds.toString());
        p.setProperty("unsafe", Boolean.toString(!unsafeWork.isZero()));
        p.setProperty("unsafe.work.ms", Long.toString(unsafeWork.toMillis()));
        p.setProperty("host", hostDescription());
        try {
            Files.createDirectories(dir.resolve("participants"));
            try (Writer w = Files.newBufferedWriter(dir.resolve("run.properties"), StandardCharsets.UTF_8)) {
                p.store(w, "Baton chaos run");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("run.properties"), e);
        }
    }

    private static String hostDescription() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            host = "unknown";
        }
        return host + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + System.getProperty("os.name")
                + " " + System.getProperty("os.version") + ", Java " + System.getProperty("java.version");
    }

    private static void sleep(Duration d) {
        // The harness's own pacing (how long a fault lasts), not synchronisation with the system under test.
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("chaos run interrupted", e);
        }
    }

    /**
     * Deletes a folder and everything in it, such as a server's data left by an earlier run (servers refuse to
     * initialise a non-empty data folder).
     *
     * @param dir the folder; nothing happens when it does not exist
     */
    public static void deleteRecursively(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Collections.reverseOrder()).toList()) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clear " + dir, e);
        }
    }

    /** Configures a {@link ChaosRun}. */
    public static final class Builder {
        private final ChaosBackend backend;
        private int participants = 3;
        private Duration duration = Duration.ofSeconds(40);
        private Duration ttl = Duration.ofSeconds(2);
        private Duration renew = Duration.ofMillis(500);
        private Duration tick = Duration.ofMillis(100);
        private Duration probe = Duration.ofMillis(25);
        private Duration leaderSlack = Duration.ofMillis(1500);
        private Duration serverSlack = Duration.ofSeconds(6);
        private long seed = System.nanoTime();
        private Set<FaultKind> faults = EnumSet.allOf(FaultKind.class);
        private Path reportRoot = Path.of("target", "chaos-report");
        private Duration unsafeWork = Duration.ZERO;
        private int minimumFaults;

        private Builder(ChaosBackend backend) {
            this.backend = backend;
        }

        /** @param n participant JVMs (at least 2) @return this builder */
        public Builder participants(int n) {
            if (n < 2) {
                throw new IllegalArgumentException("a chaos run needs at least 2 participants, got " + n);
            }
            this.participants = n;
            return this;
        }

        /** @param d how long faults are injected @return this builder */
        public Builder duration(Duration d) {
            this.duration = positive(d, "duration");
            return this;
        }

        /**
         * @param ttl the lease length
         * @param renew the renew interval
         * @return this builder
         */
        public Builder lease(Duration ttl, Duration renew) {
            this.ttl = positive(ttl, "ttl");
            this.renew = positive(renew, "renew interval");
            return this;
        }

        /** @param tick the slot length of the guarded job @return this builder */
        public Builder tick(Duration tick) {
            this.tick = positive(tick, "tick");
            return this;
        }

        /**
         * @param leaderSlack the constant added to the ttl to bound failover after a leader fault (scaled by the
         *     timing multiple; 1.5 s unless set)
         * @param serverSlack the constant added to the ttl to bound recovery after a server fault (scaled; 6 s unless
         *     set: clients reconnect with back-off)
         * @return this builder
         */
        public Builder bounds(Duration leaderSlack, Duration serverSlack) {
            this.leaderSlack = positive(leaderSlack, "leader slack");
            this.serverSlack = positive(serverSlack, "server slack");
            return this;
        }

        /**
         * Makes the number of faults independent of the machine's speed: the fault phase lasts at least the
         * duration, and goes on until at least {@code n} faults, and at least as many as there are applicable kinds
         * (one full round), were injected (0, the default: the duration alone decides).
         *
         * @param n the least number of faults
         * @return this builder
         */
        public Builder minimumFaults(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("minimum faults must not be negative, got " + n);
            }
            this.minimumFaults = n;
            return this;
        }

        /** @param seed the random seed (fault order, pauses) @return this builder */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /** @param kinds the faults to inject (those the backend cannot take are dropped) @return this builder */
        public Builder faults(Set<FaultKind> kinds) {
            if (kinds.isEmpty()) {
                throw new IllegalArgumentException("name at least one fault kind");
            }
            this.faults = EnumSet.copyOf(kinds);
            return this;
        }

        /** @param root reports go to {@code root/<backend>/} @return this builder */
        public Builder reportRoot(Path root) {
            this.reportRoot = Objects.requireNonNull(root, "root");
            return this;
        }

        /**
         * Makes the participants UNSAFE, as a negative control proving the checker catches real violations: each
         * unit of work checks leadership once, then works for {@code work} without a term and without confirming
         * validity afterwards.
         *
         * @param work how long each unchecked unit of work lasts
         * @return this builder
         */
        public Builder unsafeNegativeControl(Duration work) {
            this.unsafeWork = positive(work, "unsafe work");
            return this;
        }

        /** @return the run, not started */
        public ChaosRun build() {
            return new ChaosRun(this);
        }

        private static Duration positive(Duration d, String what) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive, got " + d);
            }
            return d;
        }
    }
}
