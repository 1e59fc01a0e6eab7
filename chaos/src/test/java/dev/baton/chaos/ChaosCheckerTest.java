package dev.baton.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checker must pass clean records and catch every kind of broken guarantee in hand-written ones. */
class ChaosCheckerTest {
    @TempDir
    Path dir;

    private static void assertViolation(CheckResult r, String prefix) {
        assertTrue(r.violations().stream().anyMatch(v -> v.startsWith(prefix)),
                () -> "expected a " + prefix + " violation, got " + r.violations());
    }

    @Test
    @DisplayName("a crash failover within the bound passes, and the handover slots are the only ones not run")
    void cleanFailoverPasses() throws Exception {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", -1).participant("p2.1", 9000)
                .event("p1.1", "ACQUIRED", "LEADER", 1, 0).ticks("p1.1", 1, 0, 30)
                .fault(1, FaultKind.KILL_LEADER, "p1.1", 3050, 4050).killed("p1.1")
                .event("p2.1", "ACQUIRED", "LEADER", 2, 5300).ticks("p2.1", 2, 54, 80)
                .event("p2.1", "SHUTDOWN", "FOLLOWER", -1, 8100)
                .check();
        assertEquals(List.of(), r.violations());
        assertEquals(2, r.tenures().size());
        assertEquals(81, r.slotsScheduled());
        assertEquals(23, r.slotsInHandover());
        assertEquals(1, r.outcomes().size());
        assertEquals(5401 - 3050, r.outcomes().get(0).recoveryNanos() / SyntheticRun.MS);
        assertTrue(Files.size(dir.resolve("timeline.svg")) > 500);
        assertTrue(Files.readString(dir.resolve("summary.txt")).contains("VERDICT: PASS"));
    }

    @Test
    @DisplayName("two leaders doing confirmed work at the same time is an overlap")
    void overlapIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .ticks("p1.1", 1, 0, 30)
                .tick("p2.1", 2, 31, 2950, true) // p1 still ticks until 3001
                .ticks("p2.1", 2, 32, 40)
                .check();
        assertViolation(r, "OVERLAP");
    }

    @Test
    @DisplayName("events reporting a tenure valid until after the next leader acquired are an overlap, though the work"
            + " was not (a leader that woke from a pause and dated its end at the wake-up, not its deadline)")
    void eventOverlapIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .event("p1.1", "ACQUIRED", "LEADER", 1, 0, 0).ticks("p1.1", 1, 0, 30)
                .event("p2.1", "ACQUIRED", "LEADER", 2, 4000, 4000).ticks("p2.1", 2, 41, 60)
                .event("p1.1", "EXPIRED", "FOLLOWER", 1, 6000, 5000)
                .event("p2.1", "SHUTDOWN", "FOLLOWER", 2, 8000, 8000)
                .check();
        assertViolation(r, "EVENT-OVERLAP");
        assertEquals(2, r.eventIntervals());
    }

    @Test
    @DisplayName("an end noticed late but dated at the tenure's deadline, before the next acquisition, is no overlap;"
            + " a killed leader's reported tenure ends with its last confirmed work")
    void eventsDatedAtTheDeadlinePass() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", -1).participant("p3.1", 9000)
                .event("p1.1", "ACQUIRED", "LEADER", 1, 0, 0).ticks("p1.1", 1, 0, 30)
                .event("p2.1", "ACQUIRED", "LEADER", 2, 4000, 4000).ticks("p2.1", 2, 41, 60)
                .event("p1.1", "EXPIRED", "FOLLOWER", 1, 6000, 3500)
                .fault(1, FaultKind.KILL_LEADER, "p2.1", 6050, 7050).killed("p2.1")
                .event("p3.1", "ACQUIRED", "LEADER", 3, 8000, 8000).ticks("p3.1", 3, 81, 85)
                .event("p3.1", "SHUTDOWN", "FOLLOWER", 3, 8700, 8700)
                .check();
        assertEquals(List.of(), r.violations());
        assertEquals(3, r.eventIntervals());
    }

    @Test
    @DisplayName("a later leader with a smaller token breaks token order")
    void tokenRegressionIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .ticks("p1.1", 5, 0, 10)
                .ticks("p2.1", 4, 15, 20)
                .check();
        assertViolation(r, "TOKEN");
    }

    @Test
    @DisplayName("a token used by two participants is caught")
    void sharedTokenIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .ticks("p1.1", 3, 0, 10)
                .ticks("p2.1", 3, 15, 20)
                .check();
        assertViolation(r, "TOKEN");
    }

    @Test
    @DisplayName("a slot run twice is a duplicate; a slot skipped inside one tenure is lost")
    void duplicatesAndLossesAreCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .ticks("p1.1", 1, 0, 10)
                .ticks("p1.1", 1, 14, 20) // 11..13 skipped while p1 led throughout
                .tick("p2.1", 2, 20, 2500, true) // slot 20 again, after p1's tenure
                .ticks("p2.1", 2, 26, 30)
                .check();
        assertViolation(r, "LOST");
        assertViolation(r, "DUPLICATE");
    }

    @Test
    @DisplayName("a failover slower than ttl + constant, or none at all, is a violation")
    void slowFailoverIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 20000).participant("p2.1", 20000)
                .ticks("p1.1", 1, 0, 10)
                .fault(1, FaultKind.PAUSE_LEADER, "p1.1", 1050, 4050)
                .ticks("p2.1", 2, 60, 70) // 4.9 s after the fault: bound is 3.5 s
                .fault(2, FaultKind.CUT_LEADER, "p2.1", 7050, 10050) // nobody ever follows
                .check();
        assertEquals(2, r.violations().stream().filter(v -> v.startsWith("FAILOVER")).count(), r.violations()::toString);
    }

    @Test
    @DisplayName("after a server fault someone must lead within the server bound of its return")
    void serverRecoveryIsMeasuredFromTheHeal() {
        CheckResult ok = new SyntheticRun(dir.resolve("ok"))
                .participant("p1.1", 20000).participant("p2.1", 20000)
                .ticks("p1.1", 1, 0, 10)
                .fault(1, FaultKind.KILL_SERVER, "server", 1050, 4000)
                .ticks("p2.1", 2, 60, 70) // 2 s after the server came back
                .check();
        assertEquals(List.of(), ok.violations());
        assertEquals(2001, ok.outcomes().get(0).recoveryNanos() / SyntheticRun.MS);
    }

    @Test
    @DisplayName("a participant that died without being killed, or wrote an error, is a violation")
    void unexplainedDeathIsCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", -1).participant("p2.1", 9000)
                .ticks("p1.1", 1, 0, 10)
                .check();
        assertViolation(r, "DIED");
    }

    @Test
    @DisplayName("a clean exit with an acquisition never followed by a loss breaks the event promise")
    void unpairedEventsAreCaught() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000)
                .event("p1.1", "ACQUIRED", "LEADER", 1, 0)
                .ticks("p1.1", 1, 0, 10)
                .check();
        assertViolation(r, "EVENTS");
    }

    @Test
    @DisplayName("work whose term was no longer valid is counted, never taken as leadership")
    void unconfirmedWorkIsNotLeadership() {
        CheckResult r = new SyntheticRun(dir)
                .participant("p1.1", 9000).participant("p2.1", 9000)
                .ticks("p1.1", 1, 0, 10)
                .ticks("p2.1", 2, 12, 30)
                .tick("p1.1", 1, 11, 1500, false) // a paused p1 woke inside p2's tenure: refused
                .check();
        assertEquals(List.of(), r.violations());
        assertEquals(1, r.unconfirmedWork());
    }
}
