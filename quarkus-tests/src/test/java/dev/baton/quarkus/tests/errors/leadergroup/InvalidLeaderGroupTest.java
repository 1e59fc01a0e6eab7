package dev.baton.quarkus.tests.errors.leadergroup;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** An invalid group name on {@code @Leader} fails the build with BATON-CDI-0001. */
class InvalidLeaderGroupTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-leader-group", InvalidGroupService.class)
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "BATON-CDI-0001: @Leader on " + InvalidGroupService.class.getName()
                        + ".run(): 'Bad_Name' is not a valid group name; a group name matches"
                        + " [a-z0-9]([a-z0-9-]*[a-z0-9])? with at most 63 characters");
                assertTrue(Failures.failedAtBuild(failure), "the build itself fails:\n" + failure);
            });

    @Test
    void theBuildFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
