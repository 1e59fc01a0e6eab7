package dev.baton.quarkus.tests.errors.duration;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An unreadable {@code baton.lease.ttl} fails the start with BATON-CDI-0104. */
class BadDurationTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-duration", DurationService.class)
            .overrideConfigKey("baton.lease.ttl", "banana")
            .assertException(e -> {
                String failure = Failures.text(e);
                // The range wording ("a positive duration[ of at most one day], such as") is Durations' and may change.
                Failures.assertReported(failure, "BATON-CDI-0104: baton.lease.ttl='banana' is invalid; expected a"
                        + " positive duration");
                Failures.assertReported(failure, " such as 500ms, 15s, 2m, 1h or ISO-8601 PT15S");
                assertFalse(Failures.failedAtBuild(failure), "the build succeeds, the start fails:\n" + failure);
            });

    @Test
    void theStartFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
