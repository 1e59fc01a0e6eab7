package dev.baton.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.chaos.RunRecords.Fault;
import dev.baton.chaos.RunRecords.Work;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** Runs the chaos run of one backend and asserts the verdict. */
final class ChaosAssertions {

    /**
     * The short runs of the default build share a busy machine (two cores, other builds, CPU burners in CI), where
     * a failover waits for CPU at every step: their liveness bounds are ttl + 6 s after a leader fault and ttl + 20 s
     * after a server's return (scaled by {@code baton.test.timing-multiple}). {@code -Dchaos.strict-bounds=true}
     * applies the harness's own bounds instead (ttl + 1.5 s and ttl + 6 s, what the committed 10-minute runs on a
     * quiet machine claim). Safety is checked the same either way, with tolerance zero.
     */
    private static final Duration LEADER_SLACK = Duration.ofSeconds(6);
    private static final Duration SERVER_SLACK = Duration.ofSeconds(20);
    /** Enough faults to mean something whatever the machine's speed (and one full round of every kind). */
    private static final int MINIMUM_FAULTS = 4;

    private ChaosAssertions() {}

    /**
     * @param backend a backend name
     * @return the verdict, after asserting zero violations and enough faults and leaders to mean something
     */
    static CheckResult runAndAssert(String backend) {
        ChaosRun.Builder run = ChaosRun.fromSystemProperties(Backends.named(backend)).minimumFaults(MINIMUM_FAULTS);
        if (!Boolean.getBoolean("chaos.strict-bounds")) {
            run.bounds(LEADER_SLACK, SERVER_SLACK);
        }
        CheckResult r = run.build().run();
        String report = Reports.text(r);
        System.out.println(report);
        assertTrue(r.passed(), () -> "violations in the " + backend + " chaos run:\n" + report);
        assertTrue(r.records().faults().size() >= MINIMUM_FAULTS, () -> "too few faults to mean anything:\n" + report);
        assertTrue(r.tenures().stream().map(Tenure::token).distinct().count() >= 3,
                () -> "leadership should have moved several times:\n" + report);
        assertNoLongStall(r, report);
        return r;
    }

    /**
     * The job ran throughout the fault phase except around faults: no stretch without confirmed work is longer than
     * the leader bound, plus, for each fault active during it, the fault's own duration and its recovery bound. (The
     * checker bounds the recovery after each fault; this also bounds the stretches no fault explains.)
     */
    private static void assertNoLongStall(CheckResult r, String report) {
        RunRecords rec = r.records();
        long leaderBound = rec.setting("leader.bound.ms") * 1_000_000L;
        long serverBound = rec.setting("server.bound.ms") * 1_000_000L;
        List<Work> work = new ArrayList<>();
        rec.incarnations().forEach(inc -> inc.work().stream().filter(Work::valid).forEach(work::add));
        work.sort(Comparator.comparingLong(Work::start));
        long cursor = rec.faultPhaseStart();
        for (Work w : work) {
            if (w.start() > rec.faultPhaseEnd()) {
                break;
            }
            long gapStart = cursor;
            long gap = w.start() - gapStart;
            if (gap > leaderBound) {
                long allowed = leaderBound;
                for (Fault f : rec.faults()) {
                    long heal = f.heal() < 0 ? w.start() : f.heal();
                    if (f.start() <= w.start() && heal + serverBound >= gapStart) {
                        allowed += heal - f.start()
                                + (f.kind().scope() == FaultKind.Scope.SERVER ? serverBound : leaderBound);
                    }
                }
                if (gap > allowed) {
                    fail(String.format(Locale.ROOT,
                            "no confirmed work for %d ms from t=%.2f s (faults active then allow %d ms):%n%s",
                            gap / 1_000_000, (gapStart - rec.setting("epoch.nanos")) / 1e9, allowed / 1_000_000,
                            report));
                }
            }
            cursor = Math.max(cursor, w.end());
        }
    }
}
