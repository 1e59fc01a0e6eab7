package dev.baton.chaos;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Runs the short chaos run of one backend and asserts the verdict. */
final class ChaosAssertions {

    private ChaosAssertions() {}

    /**
     * @param backend a backend name
     * @return the verdict, after asserting zero violations and enough faults and leaders to mean something
     */
    static CheckResult runAndAssert(String backend) {
        CheckResult r = ChaosRun.fromSystemProperties(Backends.named(backend)).build().run();
        String report = Reports.text(r);
        System.out.println(report);
        assertTrue(r.passed(), () -> "violations in the " + backend + " chaos run:\n" + report);
        assertTrue(r.records().faults().size() >= 4, () -> "too few faults to mean anything:\n" + report);
        assertTrue(r.tenures().stream().map(Tenure::token).distinct().count() >= 3,
                () -> "leadership should have moved several times:\n" + report);
        assertTrue(r.slotsExecuted() > r.slotsScheduled() / 2, () -> "most slots should have run:\n" + report);
        return r;
    }
}
