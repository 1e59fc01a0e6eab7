package dev.baton.bench;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Runs the whole benchmark suite and writes {@code benchmarks/RESULTS.md}. Runs only with {@code -Pbench}
 * ({@code skipITs} is true otherwise), never in the default build. Fails when JMH failed, or when a baseline was given
 * and the comparison with it failed. With {@code -Dbench.sections} / {@code -Dbench.backends}
 * ({@code benchmarks/run --sections / --backends}) it runs only those.
 */
class BenchmarksIT {

    @Test
    void runAllBenchmarks() throws Exception {
        String md = BenchmarkSuite.run(Path.of(System.getProperty("bench.results", "RESULTS.md")),
                Boolean.getBoolean("bench.quick"), Path.of(System.getProperty("bench.work-dir", "target/bench")));
        System.out.println(md);
        String sections = System.getProperty("bench.sections", "");
        if (sections.isBlank() || sections.contains("jmh")) {
            assertTrue(md.contains("## 1. Guarded-call overhead"), md);
        }
        assertFalse(md.contains("JMH failed"), md);
        if (!System.getProperty("bench.baseline.jars", "").isBlank()) {
            // A baseline run exists for its comparison: without it, the run did not do what it was asked.
            assertTrue(md.contains("## 7. This build vs"), md);
            assertFalse(md.contains("- baseline comparison"), md);
        }
    }
}
