package dev.baton.chaos;

/**
 * What followed one fault.
 *
 * @param fault the fault
 * @param tokenBefore the token the target led with when hit, or -1 when it did not lead
 * @param recoveryNanos for leader faults, fault to the first confirmed work under a newer token; for a slow link,
 *     the longest stretch with no confirmed work from the fault to ttl after the heal; for server faults, heal to
 *     the first confirmed work; -1 when none came
 * @param boundNanos the promised bound for {@code recoveryNanos}
 * @param newLeader who led next ({@code -} when nobody)
 */
public record FaultOutcome(RunRecords.Fault fault, long tokenBefore, long recoveryNanos, long boundNanos,
        String newLeader) {

    /** @return true when recovery came within the bound */
    public boolean withinBound() {
        return recoveryNanos >= 0 && recoveryNanos <= boundNanos;
    }
}
