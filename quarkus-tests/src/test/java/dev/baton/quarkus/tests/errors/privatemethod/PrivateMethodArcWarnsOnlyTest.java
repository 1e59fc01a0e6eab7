package dev.baton.quarkus.tests.errors.privatemethod;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With ArC's own check turned into a warning, Baton's check still fails the build, with BATON-CDI-0002: a private
 * {@code @Leader} method never runs unguarded on Quarkus, whichever check reports it.
 */
class PrivateMethodArcWarnsOnlyTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-private-warn", PrivateMethodService.class)
            .overrideConfigKey("quarkus.arc.fail-on-intercepted-private-method", "false")
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "BATON-CDI-0002: @Leader on " + PrivateMethodService.class.getName()
                        + ".hidden(): the method is private, so CDI cannot intercept it and it would run on every"
                        + " participant unguarded");
                assertTrue(Failures.failedAtBuild(failure), "the build itself fails:\n" + failure);
            });

    @Test
    void theBuildFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
