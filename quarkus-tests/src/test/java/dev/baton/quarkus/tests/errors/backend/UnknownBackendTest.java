package dev.baton.quarkus.tests.errors.backend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code baton.backend} naming no backend fails the start (configuration is bound when the application starts on
 * CDI Lite) with BATON-CDI-0101, listing the backends found: here only memory.
 */
class UnknownBackendTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-backend", BackendService.class)
            .overrideConfigKey("baton.backend", "nope")
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "BATON-CDI-0101: baton.backend='nope' names no backend on the class"
                        + " path; valid choices: memory");
                assertFalse(Failures.failedAtBuild(failure), "the build succeeds, the start fails:\n" + failure);
            });

    @Test
    void theStartFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
