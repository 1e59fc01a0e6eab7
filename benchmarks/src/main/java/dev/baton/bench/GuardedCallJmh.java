package dev.baton.bench;

import java.util.LinkedHashMap;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;

/**
 * The guarded-call JMH benchmarks ({@link GuardedCallBenchmark}, and {@link CdiGuardedCallBenchmark} when the CDI
 * extension is on the class path), run the same way by section 1 and by each side of the baseline comparison. JMH
 * forks its benchmark JVMs with this JVM's class path, so the Baton they measure is the one this JVM runs on.
 */
final class GuardedCallJmh {
    /** Average time of one benchmark and its 99.9% error, in ns per call. */
    record Score(double nsPerOp, double error) {}

    private GuardedCallJmh() {}

    /** @return true when the CDI extension (and so the CDI benchmark) is on the class path */
    static boolean cdiPresent() {
        try {
            Class.forName("dev.baton.cdi.BatonExtension");
            return true;
        } catch (ClassNotFoundException e) {
            return false;
        }
    }

    /**
     * @param quick 1 warm-up and 2 measurement iterations instead of the benchmarks' own 3 and 5
     * @return the scores by short name ({@code engine.guardedOnLeader}, {@code CDI.unguarded}, ...), in JMH's order
     * @throws RunnerException when a benchmark fails
     */
    static Map<String, Score> run(boolean quick) throws RunnerException {
        ChainedOptionsBuilder opt = new OptionsBuilder().include(GuardedCallBenchmark.class.getName());
        if (cdiPresent()) {
            opt.include("dev.baton.bench.CdiGuardedCallBenchmark");
        }
        if (quick) {
            opt.warmupIterations(1).measurementIterations(2);
        }
        Map<String, Score> scores = new LinkedHashMap<>();
        for (RunResult r : new Runner(opt.shouldFailOnError(true).build()).run()) {
            scores.put(shortName(r.getParams().getBenchmark()),
                    new Score(r.getPrimaryResult().getScore(), r.getPrimaryResult().getScoreError()));
        }
        return scores;
    }

    /** @return {@code engine.x} for {@code ...GuardedCallBenchmark.x}, {@code CDI.x} for the CDI benchmark's */
    static String shortName(String benchmark) {
        String method = benchmark.substring(benchmark.lastIndexOf('.') + 1);
        return (benchmark.contains(".CdiGuardedCallBenchmark.") ? "CDI." : "engine.") + method;
    }
}
