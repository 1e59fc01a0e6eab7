package dev.baton.bench;

import dev.baton.chaos.ChaosRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * This build against an earlier commit's, measured in the same run: the guarded-call JMH benchmarks and the store
 * latency of the backends that have a baseline build, each measurement in a JVM of its own ({@link ProbeJvm}) on
 * the baseline's jars or on this build's. Speed claims are made from figures measured side by side, never against a
 * number from another day or machine.
 *
 * <p>The sides take turns in the order baseline, this build, this build, baseline: a machine that slowly gets busier
 * or quieter during the run then weighs on both sides alike, which a plain alternation does not quite achieve.
 */
final class BaselineComparison {
    /** The backends whose store latency is compared (built from the baseline commit by {@code benchmarks/run}). */
    static final List<String> LATENCY_BACKENDS = List.of("memory", "file", "jdbc", "redis", "zookeeper");
    /** The backends whose graceful handover is compared (section 3's method, in a probe JVM per side). */
    static final List<String> HANDOVER_BACKENDS = List.of("zookeeper");

    /** Which Baton a measurement runs on. */
    enum Side {
        BASELINE,
        CURRENT
    }

    private static final List<Side> ORDER = List.of(Side.BASELINE, Side.CURRENT, Side.CURRENT, Side.BASELINE);

    private final BaselineJars baseline;
    private final boolean quick;
    private final Path dir;
    private final Map<Side, String> classPaths = new EnumMap<>(Side.class);
    private final Map<Side, List<Map<String, GuardedCallJmh.Score>>> jmh = new EnumMap<>(Side.class);
    private final Map<String, Map<Side, StoreLatency.Result>> latency = new LinkedHashMap<>();
    private final Map<String, Map<Side, Samples>> handover = new LinkedHashMap<>();
    private int handoverRuns;
    private int probes;

    /**
     * @param baseline the earlier build's jars
     * @param quick few iterations (smoke test)
     * @param workDir where the probes write their figures and logs
     */
    BaselineComparison(BaselineJars baseline, boolean quick, Path workDir) throws IOException {
        this.baseline = baseline;
        this.quick = quick;
        Path dir = workDir.resolve("baseline-comparison").toAbsolutePath();
        ChaosRun.deleteRecursively(dir); // the previous run's figures must never be read as this run's
        this.dir = Files.createDirectories(dir);
        String own = System.getProperty("java.class.path");
        classPaths.put(Side.CURRENT, own);
        classPaths.put(Side.BASELINE, baseline.swapInto(own));
    }

    /** Runs the guarded-call benchmarks on each side in turn. */
    void measureJmh() throws Exception {
        for (Side side : ORDER) {
            Path out = output(side, "jmh");
            probe(side, out, Duration.ofMinutes(30), List.of("jmh", out.toString(), Boolean.toString(quick)));
            jmh.computeIfAbsent(side, s -> new ArrayList<>()).add(ComparisonProbe.readJmh(out));
        }
    }

    /**
     * Times acquire, renew and release on each side in turn.
     *
     * @param backend one of {@link #LATENCY_BACKENDS}
     * @param config the {@code baton.*} configuration reaching its server (the server keeps running meanwhile)
     * @param dataDir a folder of the backend's, for the file backend's leases
     */
    void measureLatency(String backend, Map<String, String> config, Path dataDir) throws Exception {
        // The memory store answers in a microsecond: it needs far more calls than a server to warm the JIT up.
        int n = backend.equals("memory") ? (quick ? 5000 : 20000) : (quick ? 100 : 1000);
        Map<Side, StoreLatency.Result> results = new EnumMap<>(Side.class);
        for (Side side : ORDER) {
            Path out = output(side, "latency-" + backend);
            List<String> args = new ArrayList<>(List.of("latency", out.toString(), Integer.toString(n),
                    Integer.toString(n)));
            apart(config, side, dataDir).forEach((k, v) -> args.add(k + "=" + v));
            probe(side, out, Duration.ofMinutes(10), args);
            ComparisonProbe.readLatency(out, results.computeIfAbsent(side, s -> new StoreLatency.Result()));
        }
        latency.put(backend, results);
    }

    /**
     * Times graceful handovers on each side in turn, as section 3 does (two participants in the probe's JVM, the
     * leader's {@code Baton.close()} to the follower leading).
     *
     * @param backend one of {@link #HANDOVER_BACKENDS}
     * @param config the {@code baton.*} configuration reaching its server
     * @param runs handovers per probe
     * @param dataDir a folder of the backend's
     */
    void measureHandover(String backend, Map<String, String> config, int runs, Path dataDir) throws Exception {
        handoverRuns = runs;
        Map<Side, Samples> results = new EnumMap<>(Side.class);
        for (Side side : ORDER) {
            Path out = output(side, "handover-" + backend);
            List<String> args = new ArrayList<>(List.of("handover", out.toString(), Integer.toString(runs)));
            apart(config, side, dataDir).forEach((k, v) -> args.add(k + "=" + v));
            probe(side, out, Duration.ofMinutes(10), args);
            ComparisonProbe.readHandover(out, results.computeIfAbsent(side, s -> new Samples()));
        }
        handover.put(backend, results);
    }

    /**
     * Keeps each side's leases apart (its own table, key prefix or folder): should the two builds store a lease
     * differently, neither reads the other's.
     */
    private static Map<String, String> apart(Map<String, String> config, Side side, Path dataDir)
            throws IOException {
        String tag = side.name().toLowerCase(Locale.ROOT);
        Map<String, String> own = new LinkedHashMap<>(config);
        switch (config.get("baton.backend")) {
            case "jdbc" -> own.put("baton.jdbc.table", "bench_" + tag);
            case "redis" -> own.put("baton.redis.key-prefix", "bench-" + tag + ":");
            case "zookeeper" -> own.put("baton.zookeeper.root", "/bench-" + tag);
            case "file" -> own.put("baton.file.dir",
                    Files.createDirectories(dataDir.resolve("compare-" + tag)).toString());
            default -> own.put("baton.memory.namespace", "compare-" + tag);
        }
        return own;
    }

    /** Runs one probe on the side's class path and checks it ran on that side's Baton. */
    private void probe(Side side, Path out, Duration timeout, List<String> args) throws Exception {
        ProbeJvm.run(classPaths.get(side), log(out), timeout, args);
        Path jar = ProbeJvm.batonJar(log(out));
        if (baseline.contains(jar) != (side == Side.BASELINE)) {
            throw new IllegalStateException("the " + side + " probe ran on the Baton of " + jar);
        }
    }

    private Path output(Side side, String what) {
        return dir.resolve(String.format(Locale.ROOT, "%02d-%s-%s.txt", ++probes, what,
                side.name().toLowerCase(Locale.ROOT)));
    }

    private static Path log(Path output) {
        return output.resolveSibling(output.getFileName().toString().replace(".txt", ".log"));
    }

    /** Writes section 7: what was compared and how, then one table for JMH and one for store latency. */
    void section(StringBuilder md) {
        String base = baseline.commit();
        md.append("## 7. This build vs ").append(base).append("\n\n");
        md.append("The baseline, commit ").append(base)
                .append(baseline.subject().isEmpty() ? "" : " (" + baseline.subject().replace("|", "/") + ")")
                .append(", was built by `bash benchmarks/run --baseline ").append(base)
                .append("` in a temporary git worktree, and its jars (").append(String.join(", ", baseline.artifacts()))
                .append(") took the place of this build's on an otherwise identical class path: the same benchmark ")
                .append("code, clients and JVM measure both. Each measurement runs in a JVM of its own, the sides ")
                .append("taking turns in the order baseline, this build, this build, baseline, so that a drift of the ")
                .append("machine during the run weighs on both alike; each side's figures pool its two runs. ")
                .append("*Difference* = this build − baseline (negative: this build is faster).\n\n");
        jmhTable(md, base);
        latencyTable(md, base);
        handoverTable(md, base);
    }

    private void handoverTable(StringBuilder md, String base) {
        if (handover.isEmpty()) {
            return; // section 3 not selected, or no backend with a handover comparison
        }
        md.append("### Graceful handover (as section 3)\n\n");
        md.append("Two participants in the probe's JVM, ").append(handoverRuns).append(" handovers per run (ttl ")
                .append(FailoverBench.TTL.toMillis()).append(" ms, renew every ").append(FailoverBench.RENEW.toMillis())
                .append(" ms): the leader's `Baton.close()` to the follower's `isLeader()`. Median / p99 / max in ms ")
                .append("of each side's two runs pooled.\n\n");
        md.append("| backend | ").append(base).append(" | this build | difference of medians |\n")
                .append("|---|---|---|---:|\n");
        handover.forEach((backend, sides) -> {
            Samples b = sides.get(Side.BASELINE);
            Samples a = sides.get(Side.CURRENT);
            double delta = a.medianMillis() - b.medianMillis();
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %+.2f ms%s |%n", backend, b.cell(), a.cell(), delta,
                    percentOf(delta, b.medianMillis())));
        });
        md.append('\n');
    }

    private void jmhTable(StringBuilder md, String base) {
        md.append("### Guarded-call overhead (JMH, as section 1)\n\n");
        List<Map<String, GuardedCallJmh.Score>> before = jmh.getOrDefault(Side.BASELINE, List.of());
        List<Map<String, GuardedCallJmh.Score>> after = jmh.getOrDefault(Side.CURRENT, List.of());
        if (before.size() < 2 || after.size() < 2) {
            md.append("Not measured (section 1 not selected, or see failures).\n\n");
            return;
        }
        md.append("Average ns per call of each side's two runs (each run's own score in brackets).\n\n");
        md.append("| benchmark | ").append(base).append(" ns/op | this build ns/op | difference |\n")
                .append("|---|---:|---:|---:|\n");
        Set<String> names = new LinkedHashSet<>(before.get(0).keySet());
        names.addAll(after.get(0).keySet());
        for (String name : names) {
            double b = mean(before, name);
            double a = mean(after, name);
            md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s |%n", name, runs(before, name),
                    runs(after, name), Double.isNaN(a - b) ? "n/a"
                            : String.format(Locale.ROOT, "%+.1f ns", a - b) + percentOf(a - b, b)));
        }
        md.append('\n');
    }

    private void latencyTable(StringBuilder md, String base) {
        md.append("### Store operation latency (as section 2)\n\n");
        if (latency.isEmpty()) {
            md.append("Not measured (section 2 not selected, or see failures).\n\n");
            return;
        }
        md.append("One client, sequential, a warm-up pass then ").append(quick ? 100 : 1000)
                .append(" acquisitions of free leases, renewals and releases per run (the memory store ")
                .append(quick ? 5000 : 20000).append(", as it answers in about a microsecond), the backend's ")
                .append("server shared by both sides, each side in its own table, key prefix or folder. Median / p99 ")
                .append("in **µs**.\n\n");
        md.append("| backend | operation | ").append(base).append(" | this build | difference of medians |\n")
                .append("|---|---|---|---|---:|\n");
        latency.forEach((backend, sides) -> {
            StoreLatency.Result b = sides.get(Side.BASELINE);
            StoreLatency.Result a = sides.get(Side.CURRENT);
            row(md, backend, "acquire", b.acquire(), a.acquire());
            row(md, backend, "renew", b.renew(), a.renew());
            row(md, backend, "release", b.release(), a.release());
        });
        md.append('\n');
    }

    private static void row(StringBuilder md, String backend, String operation, Samples before, Samples after) {
        double b = before.percentiles().medianMillis() * 1000;
        double a = after.percentiles().medianMillis() * 1000;
        md.append(String.format(Locale.ROOT, "| %s | %s | %s | %s | %s |%n", backend, operation, micros(before),
                micros(after), signedMicros(a - b) + percentOf(a - b, b)));
    }

    private static String micros(Samples s) {
        return fmtMicros(s.percentiles().medianMillis() * 1000) + " / " + fmtMicros(s.percentiles().p99Millis() * 1000);
    }

    private static double mean(List<Map<String, GuardedCallJmh.Score>> runs, String name) {
        return runs.stream().mapToDouble(r -> r.containsKey(name) ? r.get(name).nsPerOp() : Double.NaN).average()
                .orElse(Double.NaN);
    }

    private static String runs(List<Map<String, GuardedCallJmh.Score>> runs, String name) {
        double mean = mean(runs, name);
        if (Double.isNaN(mean)) {
            return "n/a";
        }
        List<String> each = new ArrayList<>();
        runs.forEach(r -> each.add(String.format(Locale.ROOT, "%.1f", r.get(name).nsPerOp())));
        return String.format(Locale.ROOT, "%.1f (%s)", mean, String.join(", ", each));
    }

    /** @return the difference relative to the baseline, e.g. {@code " (-12%)"}, or nothing without a baseline figure */
    private static String percentOf(double delta, double base) {
        return base > 0 ? String.format(Locale.ROOT, " (%+.0f%%)", 100 * delta / base) : "";
    }

    private static String signedMicros(double delta) {
        return (delta < 0 ? "-" : "+") + fmtMicros(Math.abs(delta)) + " µs";
    }

    /** @return microseconds with the precision suited to the magnitude */
    private static String fmtMicros(double us) {
        if (us >= 100) {
            return String.format(Locale.ROOT, "%.0f", us);
        }
        if (us >= 10) {
            return String.format(Locale.ROOT, "%.1f", us);
        }
        return String.format(Locale.ROOT, "%.2f", us);
    }
}
