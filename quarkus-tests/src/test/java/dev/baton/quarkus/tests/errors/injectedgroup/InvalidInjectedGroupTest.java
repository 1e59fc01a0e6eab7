package dev.baton.quarkus.tests.errors.injectedgroup;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An invalid group name at an {@code @ElectionGroup} injection point fails the build with BATON-CDI-0005. */
class InvalidInjectedGroupTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-injected-group", InjectedGroupService.class)
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "BATON-CDI-0005: @ElectionGroup at "
                        + InjectedGroupService.class.getName() + ".election: 'Bad_Name' is not a valid group name");
                assertTrue(Failures.failedAtBuild(failure), "the build itself fails:\n" + failure);
            });

    @Test
    void theBuildFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
