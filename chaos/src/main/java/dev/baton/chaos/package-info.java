/**
 * The chaos harness: participant JVMs that do guarded work and record it ({@link dev.baton.chaos.ChaosParticipant}),
 * a controller that injects faults ({@link dev.baton.chaos.ChaosRun}), and a checker that proves the safety model
 * from the records alone ({@link dev.baton.chaos.ChaosChecker}).
 *
 * <p>Every time stamp in the records is {@link System#nanoTime()}: on Linux HotSpot it reads
 * {@code CLOCK_MONOTONIC}, which every process on the host shares, so stamps written by different JVMs are
 * directly comparable (the checker verifies this from each process's wall-clock/nano pair).
 */
package dev.baton.chaos;
