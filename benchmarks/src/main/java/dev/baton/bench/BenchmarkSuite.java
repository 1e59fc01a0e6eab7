package dev.baton.bench;

import dev.baton.chaos.Backends;
import dev.baton.chaos.Stores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Runs every benchmark side by side in one JVM run on one machine and writes {@code RESULTS.md}: JMH guarded-call
 * overhead, store latency against each backend's raw round trip, graceful and crash failover, ShedLock and Curator
 * comparisons, and 1,000 groups on one participant; with a baseline ({@code benchmarks/run --baseline <commit>},
 * {@link BaselineJars}), also this build against that commit's ({@link BaselineComparison}). Servers are started by
 * the suite (the chaos harness's fixtures) and stopped after each backend; the embedded Raft backend has no server,
 * its failover runs start groups of member JVMs ({@link RaftFailoverBench}). A section that fails is reported as
 * failed, not hidden.
 */
public final class BenchmarkSuite {
    /** The backends with a server fixture, then the embedded Raft backend (no server: the participants). */
    private static final List<String> BACKENDS = Backends.NAMES;
    private static final String RAFT = "raft";
    /** Section names for {@code bench.sections}, in the order of the results. */
    static final List<String> SECTIONS = List.of("jmh", "latency", "failover", "shedlock", "curator", "scale");

    private final boolean quick;
    /** Cycles of {@link ZooKeeperWarmUp} sent to the ZooKeeper server before anything is measured on it. */
    private final int zookeeperWarmUpCycles;
    /** Curator's graceful handovers, each followed by one of Baton's group alone (section 5's pairs). */
    private final int curatorPairs;
    private final Path workDir;
    private final Set<String> sections;
    private final Set<String> backendFilter;
    private final StringBuilder md = new StringBuilder();
    private static final long FAILURE_DETECTION_SECONDS = RaftFailoverBench.FAILURE_DETECTION.toSeconds();

    private BenchmarkSuite(boolean quick, Path workDir) {
        this.quick = quick;
        int cycles = Integer.getInteger("bench.zookeeper.warm-up-cycles", 2000);
        this.zookeeperWarmUpCycles = quick ? cycles / 10 : cycles;
        this.curatorPairs = quick ? 3 : Integer.getInteger("bench.curator.pairs", 40);
        this.workDir = workDir;
        this.sections = selection("bench.sections", SECTIONS);
        List<String> known = new ArrayList<>(BACKENDS);
        known.add(RAFT);
        this.backendFilter = selection("bench.backends", known);
    }

    /**
     * @return the comma-separated names of system property {@code key}, or all of {@code valid} when it is blank
     * @throws IllegalArgumentException for a name not in {@code valid}
     */
    private static Set<String> selection(String key, List<String> valid) {
        String value = System.getProperty(key, "").trim();
        if (value.isEmpty()) {
            return new LinkedHashSet<>(valid);
        }
        Set<String> chosen = new LinkedHashSet<>();
        for (String name : value.split(",")) {
            String n = name.trim();
            if (!valid.contains(n)) {
                throw new IllegalArgumentException(key + ": unknown name '" + n + "'; valid: " + valid);
            }
            chosen.add(n);
        }
        return chosen;
    }

    private boolean partial() {
        return sections.size() < SECTIONS.size() || !System.getProperty("bench.backends", "").isBlank();
    }

    private boolean measures(String section) {
        return sections.contains(section);
    }

    /**
     * @param args optional: the results file (default {@code RESULTS.md}); {@code -Dbench.quick=true} for a smoke
     *     run with few iterations; {@code -Dbench.sections=failover,...} (of {@link #SECTIONS}) and
     *     {@code -Dbench.backends=raft,...} for a partial run
     * @throws Exception when the results cannot be written
     */
    public static void main(String[] args) throws Exception {
        Path out = Path.of(args.length > 0 ? args[0] : System.getProperty("bench.results", "RESULTS.md"));
        run(out, Boolean.getBoolean("bench.quick"), Path.of(System.getProperty("bench.work-dir", "target/bench")));
    }

    /**
     * @param out the Markdown file to write
     * @param quick few iterations (smoke test) instead of the real run
     * @param workDir where servers keep their data
     * @return the Markdown written
     * @throws Exception when the results cannot be written
     */
    public static String run(Path out, boolean quick, Path workDir) throws Exception {
        BenchmarkSuite s = new BenchmarkSuite(quick, workDir);
        s.all();
        Files.createDirectories(out.toAbsolutePath().getParent());
        Files.writeString(out, s.md.toString(), StandardCharsets.UTF_8);
        return s.md.toString();
    }

    private void all() throws Exception {
        long start = System.nanoTime();
        List<String> available = new ArrayList<>();
        for (String b : BACKENDS) {
            if (b.equals(RAFT)) {
                continue; // no server: measured below, on groups of members the suite starts itself
            }
            try {
                Stores.factory(Backends.named(b).factoryName());
                if (backendFilter.contains(b)) {
                    available.add(b);
                }
            } catch (IllegalStateException e) {
                // not on the class path
            }
        }
        boolean raft = false;
        try {
            Stores.factory(RAFT);
            raft = backendFilter.contains(RAFT);
        } catch (IllegalStateException e) {
            // not on the class path
        }
        Optional<BaselineJars> baseline = BaselineJars.fromSystemProperties();
        List<String> named = new ArrayList<>(available);
        if (raft) {
            named.add(RAFT);
        }
        header(named, baseline);
        if (measures("jmh")) {
            jmh();
        }
        Map<String, String> failures = new LinkedHashMap<>();
        BaselineComparison comparison = null;
        if (baseline.isPresent()) {
            try {
                comparison = new BaselineComparison(baseline.get(), quick, workDir);
            } catch (RuntimeException e) {
                failures.put("baseline comparison", e.toString());
            }
        }
        if (comparison != null) {
            BaselineComparison c = comparison;
            System.out.println("[bench] baseline " + baseline.get().commit() + ": JMH and the memory store");
            // A partial run compares only what it measures.
            if (measures("jmh")) {
                attempt(failures, "baseline comparison, JMH", c::measureJmh);
            }
            if (measures("latency")) {
                attempt(failures, "baseline comparison, memory latency", () -> c.measureLatency("memory",
                        Map.of("baton.backend", "memory"), workDir));
            }
        }
        Map<String, LatencyBench.Result> latency = new LinkedHashMap<>();
        Map<String, FailoverBench.Result> failover = new LinkedHashMap<>();
        Map<String, ScaleBench.Result> scale = new LinkedHashMap<>();
        List<ShedLockBench.Result> shedlock = new ArrayList<>();
        CuratorBench.Result curator = null;
        for (String name : available) {
            boolean shedlockHere = measures("shedlock") && (name.equals("jdbc") || name.equals("redis"));
            boolean curatorHere = measures("curator") && name.equals("zookeeper");
            boolean baselineLatency = comparison != null && measures("latency")
                    && BaselineComparison.LATENCY_BACKENDS.contains(name);
            boolean baselineHandover = comparison != null && measures("failover")
                    && BaselineComparison.HANDOVER_BACKENDS.contains(name);
            boolean baselineHere = baselineLatency || baselineHandover;
            if (!measures("latency") && !measures("failover") && !measures("scale") && !shedlockHere && !curatorHere
                    && !baselineHere) {
                continue; // nothing selected needs this backend's server
            }
            System.out.println("[bench] backend " + name);
            try (BackendUnderTest b = BackendUnderTest.start(name, workDir)) {
                if (name.equals("zookeeper") && zookeeperWarmUpCycles > 0) {
                    attempt(failures, "zookeeper warm-up", () -> System.out.println("[bench] zookeeper warmed by "
                            + zookeeperWarmUpCycles + " cycles in another JVM in " + ZooKeeperWarmUp.run(b.port(),
                                    zookeeperWarmUpCycles, b.dir.resolve("warm-up.log")) + " ms"));
                }
                if (measures("latency")) {
                    attempt(failures, name + " latency",
                            () -> latency.put(name, LatencyBench.run(b, quick ? 100 : 1000)));
                }
                if (measures("failover")) {
                    attempt(failures, name + " failover", () -> failover.put(name,
                            FailoverBench.run(b, quick ? 3 : 15, quick ? 2 : 6)));
                }
                if (shedlockHere && name.equals("jdbc")) {
                    attempt(failures, "ShedLock JDBC", () -> shedlock.add(ShedLockBench.jdbc(b, quick ? 200 : 2000)));
                }
                if (shedlockHere && name.equals("redis")) {
                    attempt(failures, "ShedLock Redis", () -> shedlock.add(ShedLockBench.redis(b, quick ? 200 : 2000)));
                }
                if (curatorHere) {
                    CuratorBench.Result[] holder = new CuratorBench.Result[1];
                    // Baton's like-for-like row (the group closed alone, as the latch is) between Curator's runs.
                    attempt(failures, "Curator", () -> holder[0] = CuratorBench.run(b, curatorPairs, quick ? 2 : 6,
                            run -> FailoverBench.gracefulOnce(name, () -> b.newStore(FailoverBench.TTL), run, true)));
                    curator = holder[0];
                }
                if (measures("scale")) {
                    boolean azure = name.equals("azure-blob");
                    for (ScaleBench.Holding h : ScaleBench.Holding.values()) {
                        if (!azure || h == ScaleBench.Holding.GROUPS) { // azure: its new blobs' first grants
                            attempt(failures, name + " scale, " + h.label, () -> scale.put(name + "/" + h,
                                    ScaleBench.run(b, h, 1000, scaleWindow(), scaleBound())));
                        }
                        if (azure) { // the same on names used before, as after a restart (section 6)
                            attempt(failures, name + " scale, " + h.label + ", names used before", () -> {
                                ScaleBench.useNamesOnce(b, h, 1000);
                                scale.put(name + "/" + h + "/used", ScaleBench.run(b, h, 1000, scaleWindow(),
                                        scaleBound()).usedBefore());
                            });
                        }
                    }
                }
                if (baselineLatency) {
                    BaselineComparison c = comparison;
                    attempt(failures, "baseline comparison, " + name + " latency",
                            () -> c.measureLatency(name, b.config(), b.dir));
                }
                if (baselineHandover) {
                    BaselineComparison c = comparison;
                    attempt(failures, "baseline comparison, " + name + " handover",
                            () -> c.measureHandover(name, b.config(), quick ? 3 : 15, b.dir));
                }
            } catch (RuntimeException e) {
                failures.put(name + " server", e.toString());
            }
        }
        RaftFailoverBench.Result[] raftFailover = new RaftFailoverBench.Result[1];
        if (raft && measures("failover")) {
            System.out.println("[bench] backend raft (three member JVMs per run, no server)");
            attempt(failures, "raft failover", () -> raftFailover[0] = RaftFailoverBench.run(workDir,
                    quick ? 2 : 6, quick ? 2 : 6));
        }
        if (raft && measures("scale")) {
            System.out.println("[bench] backend raft, scale (a group of three members in this JVM)");
            for (ScaleBench.Holding h : ScaleBench.Holding.values()) {
                attempt(failures, "raft scale, " + h.label, () -> scale.put(RAFT + "/" + h,
                        RaftScale.run(workDir, h, 1000, scaleWindow(), scaleBound())));
            }
        }
        if (measures("latency")) {
            latencySection(latency);
        }
        if (measures("failover")) {
            failoverSection(failover, raftFailover[0]);
        }
        if (measures("shedlock")) {
            shedlockSection(shedlock);
        }
        if (measures("curator")) {
            curatorSection(curator, failover.get("zookeeper"));
        }
        if (measures("scale")) {
            scaleSection(scale);
        }
        if (comparison != null) {
            comparison.section(md);
        } else {
            baseline.ifPresent(b -> md.append("## 7. This build vs ").append(b.commit())
                    .append("\n\nNot measured (see failures).\n\n"));
        }
        if (!failures.isEmpty()) {
            md.append("\n## Failed measurements\n\n");
            failures.forEach((k, v) -> md.append("- ").append(k).append(": `").append(v.replace('`', '\'')).append("`\n"));
        }
        md.append(String.format(Locale.ROOT, "%nWhole run: %.0f s.%n", (System.nanoTime() - start) / 1e9));
    }

    private interface Step {
        void run() throws Exception;
    }

    private static void attempt(Map<String, String> failures, String what, Step step) {
        try {
            step.run();
        } catch (Exception | AssertionError e) {
            System.out.println("[bench] " + what + " failed: " + e);
            e.printStackTrace(System.out);
            failures.put(what, e.toString());
        }
    }

    private void header(List<String> backends, Optional<BaselineJars> baseline) {
        md.append("# Baton benchmark results\n\n");
        md.append("Generated by `bash benchmarks/run").append(quick ? " --quick" : "")
                .append(sections.size() < SECTIONS.size() ? " --sections " + String.join(",", sections) : "")
                .append(System.getProperty("bench.backends", "").isBlank() ? ""
                        : " --backends " + String.join(",", backendFilter))
                .append(baseline.map(b -> " --baseline " + b.commit()).orElse(""))
                .append("` (it installs Baton, then `./mvnw -f benchmarks/pom.xml -Pbench ")
                .append("verify`, whose `BenchmarksIT` runs `dev.baton.bench.BenchmarkSuite`) on ")
                .append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME.withLocale(Locale.ROOT)))
                .append(quick ? " — **QUICK smoke run, few iterations: not for quoting**" : "").append(".\n")
                .append(partial() ? "**Partial run**: sections " + String.join(", ", sections) + "; backends "
                        + (backends.isEmpty() ? "none" : String.join(", ", backends)) + ".\n" : "")
                .append("Every figure below comes from that one run on one machine; servers were started by the ")
                .append("suite on loopback, one at a time.\n\n");
        md.append("## Machine and versions\n\n");
        md.append("| item | value |\n|---|---|\n");
        md.append("| CPU | ").append(cpu()).append(" |\n");
        md.append("| memory | ").append(memTotal()).append(" |\n");
        md.append("| OS | ").append(os()).append(" |\n");
        md.append("| Java | ").append(System.getProperty("java.vm.name")).append(' ')
                .append(System.getProperty("java.runtime.version")).append(" |\n");
        md.append("| Baton | 0.1.0-SNAPSHOT, backends: ").append(String.join(", ", backends)).append(" |\n");
        md.append("| Redis server | ").append(command("redis-server", "--version"))
                .append(" (AOF, appendfsync always: every write waits for a disk flush) |\n");
        md.append("| PostgreSQL | ").append(postgresVersion()).append(" |\n");
        md.append("| etcd | ").append(command("etcd", "--version").replace(" Git SHA", "; Git SHA")).append(" |\n");
        md.append("| ZooKeeper | ").append(zookeeperVersion()).append(" (standalone, tickTime 200 ms, sessions 0.4–30 s")
                .append(zookeeperWarmUpCycles > 0 ? "; before any measurement another JVM sends it "
                        + zookeeperWarmUpCycles + " cycles of the requests both Curator and Baton send, so its "
                        + "request pipeline is compiled as on a server in use (`ZooKeeperWarmUp`)" : "; cold: no warm-up")
                .append(") |\n");
        md.append("| Azurite | ").append(command(onPath("azurite-blob"), "--version"))
                .append(" (Microsoft's Azure Blob Storage emulator, standing in for the service; its metadata in ")
                .append(command(onPath("mariadbd"), "--version").replaceAll("^.*Ver (\\S+).*$", "MariaDB $1"))
                .append(", as the chaos harness runs it) |\n");
        md.append("| compared with | ShedLock 6.9.2 (shedlock-provider-jdbc, shedlock-provider-redis-spring), ")
                .append("Apache Curator 5.9.0 LeaderLatch; JMH 1.37 |\n");
        baseline.ifPresent(b -> md.append("| baseline (section 7) | ").append(b.commit())
                .append(b.subject().isEmpty() ? "" : ": " + b.subject().replace("|", "/"))
                .append(", built in a temporary git worktree |\n"));
        md.append('\n');
    }

    private void jmh() {
        md.append("## 1. Guarded-call overhead (JMH)\n\n");
        md.append("Average time per call, 1 fork, ").append(quick ? "1×1 s warm-up, 2×1 s" : "3×1 s warm-up, 5×1 s")
                .append(" measurement; the body is a counter increment, so the numbers are pure overhead. ")
                .append("Engine = `LeaderElection.tryEnter()` + `Term.close()` (what the interceptor does); ")
                .append("CDI = a `@Leader` method called through Weld's client proxy vs the same method without ")
                .append("`@Leader` on the same bean. Memory backend; renewals never run on the calling thread.\n\n");
        boolean cdi = GuardedCallJmh.cdiPresent();
        try {
            Map<String, GuardedCallJmh.Score> results = GuardedCallJmh.run(quick);
            md.append("| benchmark | ns/op | ± (99.9%) |\n|---|---:|---:|\n");
            Map<String, Double> score = new LinkedHashMap<>();
            results.forEach((name, r) -> {
                score.put(name, r.nsPerOp());
                md.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", name, r.nsPerOp(), r.error()));
            });
            md.append('\n');
            ratio(score, "engine.guardedOnLeader", "engine.unguarded", "engine, leader");
            ratio(score, "engine.guardedOnFollower", "engine.unguarded", "engine, follower");
            ratio(score, "CDI.guardedOnLeader", "CDI.unguarded", "CDI interceptor, leader");
            ratio(score, "CDI.guardedOnFollower", "CDI.unguarded", "CDI interceptor, follower");
            if (!cdi) {
                md.append("\nThe CDI extension was not on the class path: CDI rows are missing.\n");
            }
            md.append('\n');
        } catch (Exception e) {
            md.append("JMH failed: `").append(e).append("`\n\n");
        }
    }

    private void ratio(Map<String, Double> score, String guarded, String bare, String label) {
        Double g = score.get(guarded);
        Double b = score.get(bare);
        if (g != null && b != null) {
            md.append(String.format(Locale.ROOT, "- %s: +%.1f ns per call over the unguarded call%n", label, g - b));
        }
    }

    private void latencySection(Map<String, LatencyBench.Result> results) {
        md.append("## 2. Store operation latency vs the backend's raw round trip\n\n");
        md.append("One client, sequential, ").append(quick ? 100 : 1000).append(" operations each after a warm-up; ")
                .append("median / p99 / max in ms. *acquire* = `tryAcquire` of a free lease (a first grant), ")
                .append("*renew* = `renew` of a held one, *release* = `release`; *raw* = one request with the ")
                .append("official client on its own connection: the backend's own one-request grant where it has one ")
                .append("(Redis `SET NX PX` of a new key, an etcd compare-and-put transaction, an Azure blob lease ")
                .append("taken on a free blob), else its cheapest request. Ratio = median acquire ÷ median raw.\n\n");
        md.append("| backend | acquire | renew | release | raw round trip | raw is | acquire/raw | renew/raw |\n")
                .append("|---|---|---|---|---|---|---:|---:|\n");
        results.values().forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.1f× | %.1f× |%n",
                r.backend(), r.acquire().cell(), r.renew().cell(), r.release().cell(), r.raw().cell(), r.rawWhat(),
                r.acquire().medianMillis() / r.raw().medianMillis(), r.renew().medianMillis() / r.raw().medianMillis())));
        md.append('\n');
        LatencyBench.Result azure = results.get("azure-blob");
        if (azure != null) {
            md.append("*azure-blob* runs on Azurite, the emulator, standing in for Azure Blob Storage (loopback: no ")
                    .append("network between client and service). Every store operation reads the lease blob ")
                    .append("(`HEAD`), then writes only if it is unchanged (`If-Match`): acquire is 3 requests (the ")
                    .append("read, taking the blob lease, writing the holder), renew 2 (the read, writing the new ")
                    .append("expiry), release 3 (the read, clearing the holder, giving the blob lease back). Its ")
                    .append("operations run in rounds over ").append(LatencyBench.PREPARED_NAMES)
                    .append(" names used before, whose lease blobs exist (acquire them all, renew them all, release ")
                    .append("them all, again): a name's very first grant also makes the blob and then waits, by ")
                    .append("design, until the service's clock has left the second the blob was made in (so that ")
                    .append("tokens keep increasing even if the blob is deleted later), once per name")
                    .append(azure.firstGrant().map(f -> ": " + f.cell() + " over " + f.size() + " new names")
                            .orElse(""))
                    .append(".\n\n");
        }
    }

    private void failoverSection(Map<String, FailoverBench.Result> results, RaftFailoverBench.Result raft) {
        md.append("## 3. Graceful handover and crash failover\n\n");
        md.append("ttl 2 s, renew every 500 ms (safety margin 200 ms). *Graceful*: two participants in one JVM, the ")
                .append("leader's `Baton.close()` starts the clock (on a thread of its own: it also closes the store ")
                .append("client after the release), the follower's `isLeader()` ")
                .append("turning true stops it (polled every 0.5 ms). *Crash*: the leader is a separate JVM killed with SIGKILL; clock ")
                .append("from the kill to the survivor leading. Median / p99 / max in ms; the design's bound for a ")
                .append("crash is the ttl plus a small constant.\n\n");
        if (results.containsKey("azure-blob")) {
            md.append("*azure-blob* (on Azurite, the emulator standing in for the service) has no release ")
                    .append("notification: the service cannot announce one, so a follower sleeps until the lease it ")
                    .append("last saw can expire, and a graceful handover takes up to the ttl + ~1 s by design (the ")
                    .append("service's clock is read from whole-second HTTP `Date` headers); a crash failover takes ")
                    .append("the ttl plus up to that second after the last renewal.\n\n");
        }
        if (raft != null) {
            md.append("*raft* (the embedded Raft backend) has no server: the participants are the store. Each run ")
                    .append("starts a fresh group of three JVMs on loopback, each a Raft member (JGroups over TCP, ")
                    .append("its own data directory, fsync on) and a participant; the chosen one leads first, then ")
                    .append("the two others compete. *Graceful*: `Baton.close()` in the leading JVM (clock from the ")
                    .append("command the benchmark sends it); *crash*: SIGKILL of the leading JVM. The clock stops at ")
                    .append("the survivor's `LeadershipChanged` to LEADER, stamped in its JVM with `System.nanoTime()` ")
                    .append("(one system-wide monotonic clock). Two cases: the Baton leader is not the Raft leader ")
                    .append("(the Raft leader times the dead holder's lease out after the ttl), or it is (the ")
                    .append("survivors first suspect it, `baton.raft.failure-detection-timeout` ")
                    .append(FAILURE_DETECTION_SECONDS).append(" s, the default, then elect a new Raft leader, which ")
                    .append("restarts every lease timer with the full ttl: by design about detection + vote + ttl). ")
                    .append("A graceful handover is a release entry and a grant entry, each committed on a majority ")
                    .append("with fsync; a follower member applies a commit when the Raft leader's next message tells ")
                    .append("it, at the latest 100 ms later when idle, so the survivor's watch fires up to 100 ms ")
                    .append("after the release (and after a vote when the leaving member was the Raft leader).");
            if (raft.discarded() > 0) {
                md.append(" ").append(raft.discarded()).append(" run(s) whose Raft leader changed before the end ")
                        .append("of the tenure were discarded and run again.");
            }
            md.append("\n\n");
        }
        md.append("| backend | graceful handover | runs | crash failover (kill -9) | runs |\n|---|---|---:|---|---:|\n");
        List<FailoverBench.Result> rows = new ArrayList<>(results.values());
        if (raft != null) {
            rows.add(raft.notRaftLeader());
            rows.add(raft.raftLeader());
        }
        rows.forEach(r -> md.append(String.format(Locale.ROOT, "| %s | %s | %d | %s | %d |%n",
                r.backend(), r.graceful().cell(), r.graceful().size(), r.crash().cell(), r.crash().size())));
        md.append('\n');
    }

    private void shedlockSection(List<ShedLockBench.Result> results) {
        md.append("## 4. ShedLock (locking each execution) vs Baton\n\n");
        md.append("Cost per execution of a scheduled job on one node, same server, sequential, ")
                .append(quick ? 200 : 2000).append(" executions; median / p99 / max in ms. ShedLock: ")
                .append("`lock()` + `unlock()` (lockAtMostFor 30 s) = 2 backend round trips per execution on the ")
                .append("winning node and 1 on every other node. Baton leader/follower: `tryEnter()` + `close()` = ")
                .append("0 round trips (the lease is renewed in the background: ")
                .append("1 request per renew interval per group, whatever the execution rate). Baton one-off lease: ")
                .append("`Leases.tryAcquire()` + `close()`, the closest equivalent of a ShedLock lock.\n\n");
        md.append("| backend | ShedLock provider | ShedLock lock+unlock | Baton leader | Baton follower | ")
                .append("Baton one-off lease | ShedLock ÷ Baton leader | ShedLock ÷ one-off lease |\n")
                .append("|---|---|---|---|---|---|---:|---:|\n");
        for (ShedLockBench.Result r : results) {
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s | %s | %.0f× | %.1f× |%n", r.backend(),
                    r.provider(), r.shedlock().cell(), r.batonLeader().cell(), r.batonFollower().cell(),
                    r.batonLease().cell(), r.shedlock().medianMillis() / r.batonLeader().medianMillis(),
                    r.shedlock().medianMillis() / r.batonLease().medianMillis()));
        }
        md.append('\n');
    }

    /**
     * Writes section 5's pairs, in the order measured, to {@code curator-pairs.csv} in the work directory: whether the
     * ratio drifts along the run (the JIT compiling one side's path, the machine's load) shows there, not in a median.
     */
    private void writePairs(List<Long> baton, List<Long> curator) {
        StringBuilder csv = new StringBuilder("pair,curator_us,baton_group_alone_us\n");
        for (int i = 0; i < Math.min(baton.size(), curator.size()); i++) {
            csv.append(i).append(',').append(curator.get(i) / 1000).append(',').append(baton.get(i) / 1000)
                    .append('\n');
        }
        try {
            Files.createDirectories(workDir);
            Files.writeString(workDir.resolve("curator-pairs.csv"), csv, StandardCharsets.UTF_8);
        } catch (IOException e) {
            System.out.println("[bench] section 5's pairs not written: " + e);
        }
    }

    private void curatorSection(CuratorBench.Result curator, FailoverBench.Result baton) {
        md.append("## 5. Curator LeaderLatch vs Baton on ZooKeeper\n\n");
        if (curator == null || baton == null) {
            md.append("Not measured (see failures).\n\n");
            return;
        }
        md.append("Same server, same method as section 3; Curator session timeout ").append(curator.sessionTimeoutMs())
                .append(" ms = Baton's ttl. Median / p99 / max in ms; ratio = Baton median ÷ Curator median ")
                .append("(below 1 = Baton faster).\n\n");
        md.append("| | graceful handover | crash failover (kill -9) |\n|---|---|---|\n");
        md.append("| Curator LeaderLatch | ").append(curator.graceful().cell()).append(" | ")
                .append(curator.crash().cell()).append(" |\n");
        md.append("| Baton (zookeeper backend) | ").append(baton.graceful().cell()).append(" | ")
                .append(baton.crash().cell()).append(" |\n");
        md.append(String.format(Locale.ROOT, "| ratio Baton ÷ Curator | %.2f | %.2f |%n",
                baton.graceful().medianMillis() / curator.graceful().medianMillis(),
                baton.crash().medianMillis() / curator.crash().medianMillis()));
        Samples alone = curator.interleaved();
        if (alone.size() > 0) {
            md.append("| Baton, the group's `LeaderElection.close()` (like `LeaderLatch.close()`), between Curator's runs"
                    + " | ").append(alone.cell()).append(" | |\n");
            md.append("| ratio, group closed alone ÷ Curator | ")
                    .append(PairedRatio.of(alone.nanos(), curator.graceful().nanos()).cell()).append(" | |\n");
            writePairs(alone.nanos(), curator.graceful().nanos());
        }
        md.append("\nCurator's graceful handover closes the latch alone (its client stays open). Baton's first row closes"
                + " the whole participant (`Baton.close()`: every group, its threads, its store client) in section 3's"
                + " runs; the row below closes the group alone, the like-for-like measure of `LeaderLatch.close()`,"
                + " one handover after each of Curator's, so both are measured at the same point of the JVM's"
                + " warm-up and of the machine's load; its ratio comes with a 95 % interval from a bootstrap over these "
                + curator.graceful().size() + " pairs (`PairedRatio`).\n\n");
    }

    /** @return the steady-state window of the scale runs */
    private Duration scaleWindow() {
        return Duration.ofSeconds(quick ? 5 : 20);
    }

    /** @return how long 1,000 groups may take to all lead, or 1,000 one-off leases to be all acquired */
    private Duration scaleBound() {
        return Duration.ofSeconds(quick ? 60 : 120);
    }

    private void scaleSection(Map<String, ScaleBench.Result> results) {
        md.append("## 6. Scale: 1,000 groups or 1,000 one-off leases held by one participant\n\n");
        md.append("One `Baton` with the default timing (ttl 15 s, renew every 5 s) elects 1,000 groups alone, or ")
                .append("holds 1,000 one-off leases (`Leases.tryAcquire`, ttl 15 s, renewed every third of it, ")
                .append("acquired one after another; *time to hold all* is then the time of those 1,000 calls). ")
                .append("*Store calls/s* = calls the engine makes in the steady state, counted by a decorator over a ")
                .append(quick ? 5 : 20).append(" s window (a batched `renewAll` counts once); *backend requests/s* ")
                .append("= what reaches the server: one per call, except on etcd, where a gRPC interceptor counts ")
                .append("the messages the client sends (renewals are answered from the shared lease and the watch), ")
                .append("and on azure-blob, where an HTTP pipeline policy counts the requests the Azure SDK sends ")
                .append("(a renewal is a read and a conditional write; Azurite stands in for the service). ")
                .append("Threads and heap (after GC) are what Baton and the backend client added to the JVM.\n\n");
        md.append("*Batch limit* is the store's `renewBatchLimit()`: above 1, the engine renews the groups and ")
                .append("one-off leases together in `renewAll` calls; at 1, one `renew` call per lease per renew ")
                .append("interval. *raft* is a group of three members on loopback in the benchmark's JVM, one of them ")
                .append("the participant's store (threads and heap: that member and Baton); each store call is a Raft ")
                .append("log entry committed on a majority. *azure-blob* is measured on fresh names (groups only) and ")
                .append("on names used once before, each by a grant and a release (*names used before*: their ")
                .append("blobs exist, as after a restart), for the reason below.\n\n");
        md.append("| backend | holds | batch limit | time to hold all | store calls/s | leases renewed/s | ")
                .append("renewAll batches/s | backend requests/s | threads added | heap added |\n")
                .append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        results.values().forEach(r -> md.append(r.allLed()
                ? String.format(Locale.ROOT,
                        "| %s | %s | %d | %.1f s | %.1f | %.0f | %.1f | %.1f | %d | %.1f MB |%n", r.backend(),
                        r.holding().label, r.batchLimit(), r.acquireAllSeconds(), r.callsPerSecond(),
                        r.leasesRenewedPerSecond(), r.batchesPerSecond(), r.requestsPerSecond(), r.threads(),
                        r.heapMb())
                : String.format(Locale.ROOT, "| %s | %s | %d | not reached: %d of %d held after %.0f s | n/a | n/a "
                        + "| n/a | n/a | %d | %.1f MB |%n", r.backend(), r.holding().label, r.batchLimit(), r.led(),
                        r.groups(), r.acquireAllSeconds(), r.threads(), r.heapMb())));
        md.append('\n');
        ScaleBench.Result azure = results.get("azure-blob/" + ScaleBench.Holding.GROUPS);
        if (azure != null) {
            md.append("*azure-blob* on fresh names: each new group's first grant makes its lease blob, whose first ")
                    .append("token must wait for the service's clock to leave the second it was made in (up to 1 s, ")
                    .append("section 2). Elections do not wait for it inside the store call ")
                    .append("(`LeaseStore.tryAcquireWithoutWaiting`: \"free, not yet\", asked again every ~20 ms, ")
                    .append("no request until the second has passed), and their acquires run on threads of their own ")
                    .append("(`baton-acquire-N`), so the groups already led keep renewing while the others are elected")
                    .append(azure.allLed() ? "" : "; it did not come to lead all 1,000 groups within the wait (the "
                            + "count is of the groups leading when it ended; threads and heap were measured then)")
                    .append(". On names used before, the blobs exist and nothing waits.\n\n");
        }
    }

    // ---- machine facts ---------------------------------------------------------------------------------

    private static String cpu() {
        try {
            String model = Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name")).findFirst().map(l -> l.substring(l.indexOf(':') + 1).trim())
                    .orElse("?");
            return Runtime.getRuntime().availableProcessors() + " cores, " + model;
        } catch (IOException e) {
            return Runtime.getRuntime().availableProcessors() + " cores";
        }
    }

    private static String memTotal() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> String.format(Locale.ROOT, "%.1f GB",
                            Long.parseLong(l.replaceAll("\\D", "")) / 1e6)).orElse("?");
        } catch (IOException e) {
            return "?";
        }
    }

    private static String os() {
        String debian = "";
        try {
            debian = "Debian " + Files.readString(Path.of("/etc/debian_version")).trim() + ", ";
        } catch (IOException e) {
            // not Debian
        }
        return debian + System.getProperty("os.name") + " " + System.getProperty("os.version");
    }

    private static String postgresVersion() {
        return command(postgresBin(), "--version");
    }

    private static String postgresBin() {
        try (var versions = Files.list(Path.of("/usr/lib/postgresql"))) {
            return versions.map(v -> v.resolve("bin/postgres")).filter(Files::isExecutable).findFirst()
                    .map(Path::toString).orElse("postgres");
        } catch (IOException e) {
            return "postgres";
        }
    }

    /** @return the executable's path in the usual Debian and npm folders or on PATH, else its bare name */
    private static String onPath(String name) {
        String path = "/usr/bin:/usr/sbin:/usr/local/bin:" + System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(":")) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, name);
            if (Files.isExecutable(p)) {
                return p.toString();
            }
        }
        return name;
    }

    private static String zookeeperVersion() {
        try {
            return "ZooKeeper " + Class.forName("org.apache.zookeeper.Version").getMethod("getFullVersion")
                    .invoke(null).toString().replaceAll(",.*", "");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "?";
        }
    }

    private static String command(String... cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor(10, TimeUnit.SECONDS);
            return out.lines().findFirst().orElse("?").replace("|", "/");
        } catch (IOException e) {
            return "not installed";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "?";
        }
    }
}
