/**
 * Baton's benchmarks: JMH for the guarded-call path, plain timed loops against real servers for store latency,
 * failover, the ShedLock and Curator comparisons and scale. {@link dev.baton.bench.BenchmarkSuite} runs them all and
 * writes {@code benchmarks/RESULTS.md}.
 */
package dev.baton.bench;
