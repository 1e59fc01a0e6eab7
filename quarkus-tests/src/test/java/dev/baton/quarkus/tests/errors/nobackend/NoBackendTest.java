package dev.baton.quarkus.tests.errors.nobackend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import dev.baton.quarkus.tests.testkit.Apps;
import dev.baton.quarkus.tests.testkit.Failures;
import io.quarkus.test.QuarkusUnitTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * No backend on the class path and none chosen fails the start with BATON-CDI-0102. The memory backend is on this
 * module's class path, so Quarkus's own class-loading configuration hides its service file from the application.
 */
class NoBackendTest {

    @RegisterExtension
    static final QuarkusUnitTest APP = Apps.app("quarkus-tests-errors-no-backend", NoBackendService.class)
            .overrideConfigKey("baton.backend", "") // empty is unset in MicroProfile Config
            .overrideConfigKey("quarkus.class-loading.removed-resources.\"dev.baton:baton-backend-memory\"",
                    "META-INF/services/dev.baton.spi.LeaseStoreFactory")
            .assertException(e -> {
                String failure = Failures.text(e);
                Failures.assertReported(failure, "BATON-CDI-0102: baton.backend is not set and no backend is on the"
                        + " class path");
                assertFalse(Failures.failedAtBuild(failure), "the build succeeds, the start fails:\n" + failure);
            });

    @Test
    void theStartFails() {
        fail("the application must not start"); // never runs: QuarkusUnitTest checks the failure instead
    }
}
