package dev.baton.bench;

import dev.baton.chaos.Stores;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * One side's measurement in the baseline comparison, run by {@link ProbeJvm} in a JVM whose class path carries that
 * side's Baton (the baseline's jars or this build's), so that the same benchmark code measures both. Writes its
 * figures to a file for the suite to read ({@link #readJmh}, {@link #readLatency}).
 *
 * <ul>
 *   <li>{@code jmh <out> <quick>}: the guarded-call benchmarks ({@link GuardedCallJmh}); one line per benchmark,
 *       {@code name score error} in ns per call.</li>
 *   <li>{@code latency <out> <warm-up> <n> key=value...}: a store made from the {@code baton.*} configuration
 *       given; a warm-up pass, then {@code n} acquisitions, renewals and releases ({@link StoreLatency}); one line per
 *       operation, its durations in nanoseconds.</li>
 *   <li>{@code handover <out> <runs> key=value...}: {@code runs} graceful handovers between two participants, each
 *       with a store made from that configuration ({@link FailoverBench#graceful}); one line, {@code handover} and
 *       the durations in nanoseconds.</li>
 * </ul>
 */
public final class ComparisonProbe {
    /** How the probe's output names the jar its engine was loaded from. */
    static final String BATON_FROM = "[probe] dev.baton.engine.Baton from ";

    private ComparisonProbe() {}

    /**
     * @param args the mode and its arguments, as above; the exit status is 0 when the figures were written
     */
    public static void main(String[] args) {
        // JMH and some clients leave non-daemon threads behind: end the JVM explicitly, with a status that says
        // whether the figures were written.
        try {
            // Says which Baton this JVM runs, for the suite to check that the class path swap took.
            System.out.println(BATON_FROM + Baton.class.getProtectionDomain().getCodeSource().getLocation().getPath());
            Path out = Path.of(args[1]);
            switch (args[0]) {
                case "jmh" -> writeJmh(out, GuardedCallJmh.run(Boolean.parseBoolean(args[2])));
                case "latency" -> writeLatency(out, latency(Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                        config(args, 4)));
                case "handover" -> {
                    Map<String, String> config = config(args, 3);
                    Samples s = FailoverBench.graceful(config.get("baton.backend"),
                            () -> Stores.create(config, FailoverBench.TTL), Integer.parseInt(args[2]));
                    Files.write(out, List.of(line("handover", s)), StandardCharsets.UTF_8);
                }
                default -> throw new IllegalArgumentException("unknown mode " + args[0]);
            }
        } catch (Exception | LinkageError e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.exit(0);
    }

    private static StoreLatency.Result latency(int warmUp, int n, Map<String, String> config) {
        StoreLatency.Result measured = new StoreLatency.Result();
        try (LeaseStore store = Stores.create(config, StoreLatency.TTL)) {
            String run = "cmp-" + Long.toString(System.nanoTime(), 36);
            StoreLatency.pass(store, StoreLatency.names(run + "-0", warmUp), null);
            StoreLatency.pass(store, StoreLatency.names(run + "-1", n), measured);
        }
        return measured;
    }

    /**
     * @param file what a {@code handover} probe wrote
     * @param into where its durations go
     */
    static void readHandover(Path file, Samples into) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.trim().split(" ");
            if (!f[0].equals("handover")) {
                throw new IOException(file + ": unknown line " + f[0]);
            }
            for (int i = 1; i < f.length; i++) {
                into.add(Long.parseLong(f[i]));
            }
        }
    }

    private static Map<String, String> config(String[] args, int from) {
        Map<String, String> config = new LinkedHashMap<>();
        for (int i = from; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            config.put(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        return config;
    }

    private static void writeJmh(Path out, Map<String, GuardedCallJmh.Score> scores) throws IOException {
        List<String> lines = new ArrayList<>();
        scores.forEach((name, s) -> lines.add(String.format(Locale.ROOT, "%s %s %s", name, s.nsPerOp(), s.error())));
        Files.write(out, lines, StandardCharsets.UTF_8);
    }

    private static void writeLatency(Path out, StoreLatency.Result r) throws IOException {
        Files.write(out, List.of(line("acquire", r.acquire()), line("renew", r.renew()), line("release",
                r.release())), StandardCharsets.UTF_8);
    }

    private static String line(String operation, Samples samples) {
        return operation + " " + samples.nanos().stream().map(String::valueOf).collect(Collectors.joining(" "));
    }

    /**
     * @param file what a {@code jmh} probe wrote
     * @return the scores by short benchmark name
     */
    static Map<String, GuardedCallJmh.Score> readJmh(Path file) throws IOException {
        Map<String, GuardedCallJmh.Score> scores = new LinkedHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            scores.put(f[0], new GuardedCallJmh.Score(Double.parseDouble(f[1]), Double.parseDouble(f[2])));
        }
        return scores;
    }

    /**
     * @param file what a {@code latency} probe wrote
     * @param into the samples to add its durations to
     */
    static void readLatency(Path file, StoreLatency.Result into) throws IOException {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            Samples target = switch (f[0]) {
                case "acquire" -> into.acquire();
                case "renew" -> into.renew();
                case "release" -> into.release();
                default -> throw new IOException(file + ": unknown operation " + f[0]);
            };
            for (int i = 1; i < f.length; i++) {
                target.add(Long.parseLong(f[i]));
            }
        }
    }
}
