package dev.baton.quarkus.tests.injection;

import dev.baton.engine.Baton;
import dev.baton.quarkus.tests.testkit.Outsider;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/** Makes the outsider lead group {@value InjectionService#REPORTS} before the application's Baton starts. */
@ApplicationScoped
public class OutsiderFirst {
    private static volatile Baton outsider;

    void beforeBaton(@Observes @Priority(1) @Initialized(ApplicationScoped.class) Object ignored) {
        outsider = Outsider.lead(InjectionTest.NAMESPACE, InjectionService.REPORTS);
    }

    /** @return the outsider, leading since the application started (until the test closes it) */
    public static Baton outsider() {
        return outsider;
    }
}
