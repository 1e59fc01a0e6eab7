package dev.baton.quarkus.tests.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.IdentityHashMap;
import java.util.Map;

/** The text of a build or start failure, as cdi-extension's test kit collects it. */
public final class Failures {
    private Failures() {}

    /**
     * @param failure what QuarkusUnitTest caught
     * @return the class and message of the exception, its causes and suppressed exceptions, one per line
     */
    public static String text(Throwable failure) {
        StringBuilder all = new StringBuilder();
        collect(failure, all, new IdentityHashMap<>());
        return all.toString();
    }

    private static void collect(Throwable t, StringBuilder all, Map<Throwable, Boolean> seen) {
        if (t == null || seen.put(t, true) != null) {
            return;
        }
        all.append(t.getClass().getName()).append(": ").append(t.getMessage()).append('\n');
        collect(t.getCause(), all, seen);
        for (Throwable s : t.getSuppressed()) {
            collect(s, all, seen);
        }
    }

    /**
     * @param failure a failure text
     * @param expected what it must contain
     */
    public static void assertReported(String failure, String expected) {
        assertTrue(failure.contains(expected), "expected\n  " + expected + "\nin\n" + failure);
    }

    /**
     * QuarkusUnitTest hands a build failure over unwrapped (the build step's own exception), and a start failure as
     * the exception of the application's start ({@code RuntimeException: Failed to start quarkus}) with its causes.
     *
     * @param failure a failure text
     * @return true when the build failed, false when the built application failed to start
     */
    public static boolean failedAtBuild(String failure) {
        return !failure.contains("Failed to start quarkus");
    }
}
