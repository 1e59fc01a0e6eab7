package dev.baton.chaos;

import java.util.List;
import java.util.Map;

/**
 * The checker's verdict on one chaos run.
 *
 * @param backend the backend name
 * @param records what the run wrote
 * @param violations every broken guarantee, one line each; must be empty
 * @param tenures the proven leadership stretches, in order
 * @param outcomes what followed each fault
 * @param slotsScheduled slots from the first to the last executed one
 * @param slotsExecuted slots executed exactly once
 * @param slotsInHandover slots nobody ran because they fell between two leaders (the stated tolerance)
 * @param unconfirmedWork units of work whose term was no longer valid when they ended (a fencing token check at the
 *     resource would refuse them); not violations, reported for honesty
 * @param failover percentiles per category: {@code crash} (kill, pause, cut, partition), {@code graceful},
 *     {@code server}, {@code slow-link}, {@code member}
 * @param eventIntervals leadership intervals the participants' events reported (acquisition to the end's validity),
 *     checked for overlap ({@link EventIntervals})
 */
public record CheckResult(
        String backend,
        RunRecords records,
        List<String> violations,
        List<Tenure> tenures,
        List<FaultOutcome> outcomes,
        long slotsScheduled,
        long slotsExecuted,
        long slotsInHandover,
        int unconfirmedWork,
        Map<String, Percentiles> failover,
        int eventIntervals) {

    /** @return true when no guarantee was broken */
    public boolean passed() {
        return violations.isEmpty();
    }
}
