package dev.baton.cdi.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Supplier;

/** Starts a node that must fail to deploy and returns everything the container reported. */
public final class Failures {
    private Failures() {}

    /**
     * @param start starts the node
     * @return the messages of the exception, its causes and suppressed exceptions, one per line
     */
    public static String deploymentFailure(Supplier<TestNode> start) {
        RuntimeException e = assertThrows(RuntimeException.class, () -> {
            TestNode node = start.get();
            node.close();
            fail("the deployment should have failed");
        });
        StringBuilder all = new StringBuilder();
        collect(e, all, new IdentityHashMap<>());
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
     * @param text a failure text
     * @param id a message id
     * @return how often the id occurs as a reported problem (the text may repeat one problem in several
     *     exception layers, so this counts distinct lines that start a problem)
     */
    public static long distinctProblemsWith(String text, String id) {
        return text.lines().flatMap(l -> java.util.Arrays.stream(l.split("(?=BATON-CDI-)")))
                .filter(p -> p.startsWith(id))
                .map(String::trim)
                .distinct()
                .count();
    }
}
