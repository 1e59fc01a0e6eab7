package dev.baton.quarkus.tests.errors.privatemethod;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code @Leader} on a private method, which CDI cannot intercept, fails the build. By default ArC's own check
 * ({@code quarkus.arc.fail-on-intercepted-private-method=true}) fails it first, with ArC's message instead of
 * BATON-CDI-0002, as Weld's own checks do for final classes and methods under the build-compatible extension
 * ({@code DefinitionErrorsTest.finalClass}); {@link PrivateMethodArcWarnsOnlyTest} shows Baton's own check.
 */
class PrivateMethodTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-private", PrivateMethodService.class)
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "@Leader will have no effect on method "
                        + PrivateMethodService.class.getName() + ".hidden() because the method is private");
                Failures.assertReported(failure, "quarkus.arc.fail-on-intercepted-private-method");
                assertTrue(Failures.failedAtBuild(failure), "the build itself fails:\n" + failure);
            });

    @Test
    void theBuildFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
