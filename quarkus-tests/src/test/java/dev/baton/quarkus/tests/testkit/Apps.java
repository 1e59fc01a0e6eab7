package dev.baton.quarkus.tests.testkit;

import io.quarkus.test.QuarkusUnitTest;
import java.util.Arrays;
import java.util.stream.Stream;

/**
 * The small Quarkus application every test class builds: its own bean classes and this test kit, on the memory
 * backend in a namespace of its own, with a lease far longer than any test (as the Weld tests' {@code TestNode}).
 *
 * <p>Two things every application here needs, whatever it tests:
 * <ul>
 *   <li>{@code setFlatClassPath(true)}: without it QuarkusUnitTest treats this Maven workspace's own modules
 *       (baton-cdi, baton-api, baton-backend-memory) as reloadable workspace dependencies and leaves them out of the
 *       class loaders it builds, so they are loaded by the JVM's application class loader, while ArC defines the
 *       classes it generates for them ({@code BatonRuntime_Bean}) in a Quarkus class loader: another run-time
 *       package, so the generated code may not call the container-only (protected) constructor of
 *       {@code BatonRuntime}, and the application fails to start with an {@link IllegalAccessError}. A property of
 *       the test harness in a multi-module build: a packaged application (examples-quarkus) or a test of a project
 *       that gets Baton from a repository loads the Baton jars like any other library.</li>
 *   <li>{@code quarkus.http.test-port=0}: MicroProfile Health brings the HTTP server; a free port, so that builds
 *       running side by side do not collide on 8081.</li>
 * </ul>
 *
 * <p>The test class itself is reloaded by Quarkus and runs inside the application's class loader, so a namespace
 * shared by the configuration and a test method must be a constant (a random value would differ between the two
 * loads of the class), and every helper a test method uses must be in the application (this package is added to
 * every one).
 */
public final class Apps {
    /** The lease of every application here: far longer than any test, as TestNode's. */
    public static final String TTL = "60s";

    private Apps() {}

    /**
     * @param namespace {@code baton.memory.namespace}: a constant no other test class uses
     * @param classes the application's classes (besides this test kit and the test class, which QuarkusUnitTest adds)
     * @return the application, to configure further
     */
    public static QuarkusUnitTest app(String namespace, Class<?>... classes) {
        Class<?>[] all = Stream.concat(Arrays.stream(classes), Stream.of(Apps.class, Waits.class, Failures.class,
                Outsider.class)).toArray(Class<?>[]::new);
        return new QuarkusUnitTest()
                .setFlatClassPath(true)
                .withApplicationRoot(jar -> jar.addClasses(all))
                .overrideConfigKey("quarkus.http.test-port", "0")
                .overrideConfigKey("baton.backend", "memory")
                .overrideConfigKey("baton.memory.namespace", namespace)
                .overrideConfigKey("baton.lease.ttl", TTL);
    }
}
