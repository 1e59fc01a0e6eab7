package dev.baton.quarkus.tests.testkit;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.engine.Baton;
import java.time.Duration;

/**
 * A participant outside the application: a plain {@link Baton} of its own on the application's memory namespace,
 * participant {@value #ID}. It must lead before the application's Baton starts competing, so it is started from a
 * startup observer of the application ({@code @Priority} before {@code BatonRuntime}'s): QuarkusUnitTest starts the
 * application before any test code runs, and only code inside the application shares its class loader, hence its
 * memory namespaces.
 */
public final class Outsider {
    /** The outsider's participant id. */
    public static final String ID = "outsider";

    private Outsider() {}

    /**
     * @param namespace the application's {@code baton.memory.namespace}
     * @param group the group to lead
     * @return the outsider, leading the group with a lease far longer than the test; close it to hand over at once
     */
    public static Baton lead(String namespace, String group) {
        Baton baton = Baton.builder()
                .store(MemoryLeaseStore.shared(namespace))
                .participant(ID)
                .defaults(ElectionSettings.of(Duration.ofSeconds(60), Duration.ofSeconds(5)))
                .build();
        LeaderElection election = baton.election(group);
        try {
            if (!election.awaitLeadership(Waits.soon())) {
                baton.close();
                throw new IllegalStateException("the outsider did not lead group '" + group + "' in namespace '"
                        + namespace + "' before the application started: " + election.status());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            baton.close();
            throw new IllegalStateException(e);
        }
        return baton;
    }
}
