package dev.baton.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Proves the harness can fail: participants that check leadership once and then work unguarded (the "check, then
 * act" bug) are paused mid-work by the chaos run, and the checker must report the overlap this causes. Each pause
 * lasts until another participant leads, so the frozen one always wakes up in its successor's tenure, mid-work.
 */
class NegativeControlIT {

    @Test
    @DisplayName("unguarded work across a SIGSTOP is reported as overlapping leadership")
    void unsafeParticipantsAreCaught() {
        CheckResult r = ChaosRun.builder(Backends.named("file"))
                .duration(Duration.ofSeconds(15))
                .faults(EnumSet.of(FaultKind.PAUSE_LEADER))
                .unsafeNegativeControl(Duration.ofMillis(400))
                .minimumFaults(1) // at least one freeze, however slow the machine
                .bounds(Duration.ofSeconds(6), Duration.ofSeconds(20)) // a busy machine's takeover ends each freeze
                .reportRoot(Path.of(System.getProperty("chaos.report-dir", "target/chaos-report")))
                .seed(8)
                .build()
                .run();
        System.out.println(Reports.text(r));
        assertTrue(r.violations().stream().anyMatch(v -> v.startsWith("OVERLAP")),
                () -> "the checker missed the overlap of unguarded work:\n" + Reports.text(r));
    }
}
