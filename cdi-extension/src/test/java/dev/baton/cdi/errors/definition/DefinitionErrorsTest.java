package dev.baton.cdi.errors.definition;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.cdi.testkit.Failures;
import dev.baton.cdi.testkit.TestNode;
import org.junit.jupiter.api.Test;

class DefinitionErrorsTest {

    private static String failure(Class<?>... beans) {
        return Failures.deploymentFailure(() -> TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .beans(beans)
                .start());
    }

    private static void assertReported(String failure, String expected) {
        assertTrue(failure.contains(expected), "expected\n  " + expected + "\nin\n" + failure);
    }

    @Test
    void invalidGroupName() {
        assertReported(failure(InvalidGroupService.class), "BATON-CDI-0001: @Leader on "
                + InvalidGroupService.class.getName() + ".run(): 'Reports_EU' is not a valid group name; a group name"
                + " matches [a-z0-9]([a-z0-9-]*[a-z0-9])? with at most 63 characters");
    }

    @Test
    void skipOnANonSkippableReturnType() {
        assertReported(failure(SkipIntService.class), "BATON-CDI-0003: @Leader on " + SkipIntService.class.getName()
                + ".report(): return type int cannot be skipped on a follower; return void/Optional/CompletionStage"
                + " or set onFollower=THROW");
    }

    @Test
    void privateMethod() {
        assertReported(failure(PrivateMethodService.class), "BATON-CDI-0002: @Leader on "
                + PrivateMethodService.class.getName() + ".hidden(): the method is private, so CDI cannot intercept it"
                + " and it would run on every participant unguarded");
    }

    @Test
    void staticMethod() {
        assertReported(failure(StaticMethodService.class), "BATON-CDI-0002: @Leader on "
                + StaticMethodService.class.getName() + ".run(): the method is static");
    }

    /**
     * With the build-compatible extension on Weld, Weld's own check of intercepted final classes and methods runs
     * before an extension's {@code @Validation}, and fails the deployment with its own message first.
     */
    private static void assertFinalReported(String failure, String ours, String weldsOwn) {
        assertReported(failure, TestNode.LITE ? weldsOwn : ours);
    }

    @Test
    void finalMethod() {
        assertFinalReported(failure(FinalMethodService.class), "BATON-CDI-0004: @Leader on "
                + FinalMethodService.class.getName() + ".run(): the method is final", "WELD-001504");
    }

    @Test
    void finalClass() {
        assertFinalReported(failure(FinalClassService.class), "BATON-CDI-0004: @Leader on "
                + FinalClassService.class.getName() + ".run(): class " + FinalClassService.class.getName()
                + " is final", "WELD-001503");
    }

    @Test
    void invalidInjectedGroup() {
        assertReported(failure(InjectedGroupService.class), "BATON-CDI-0005: @ElectionGroup at "
                + InjectedGroupService.class.getName() + ".election: 'Bad Name' is not a valid group name");
    }

    @Test
    void leaderOnlyOnTheInterface() {
        assertReported(failure(InterfaceOnlyService.class), "BATON-CDI-0006: @Leader on "
                + Reporting.class.getName() + ".report(): CDI ignores interceptor bindings on interface methods, so the"
                + " implementation in bean " + InterfaceOnlyService.class.getName() + " would run unguarded");
    }

    @Test
    void problemsOfSeveralBeansAreReportedTogether() {
        String failure = failure(InvalidGroupService.class, SkipIntService.class, StaticMethodService.class,
                InjectedGroupService.class);
        assertEquals(1, Failures.distinctProblemsWith(failure, "BATON-CDI-0001"), failure);
        assertEquals(1, Failures.distinctProblemsWith(failure, "BATON-CDI-0002"), failure);
        assertEquals(1, Failures.distinctProblemsWith(failure, "BATON-CDI-0003"), failure);
        assertEquals(1, Failures.distinctProblemsWith(failure, "BATON-CDI-0005"), failure);
    }
}
