package dev.baton.container;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.engine.Baton;
import java.time.Duration;

/**
 * A second participant in the container's JVM, outside CDI: a plain {@link Baton} on the same memory namespace as the
 * application ({@link Deployments#NAMESPACE}). Created inside the test (so in the application's class loader, where
 * the memory backend's JVM-wide namespaces live), closed by the test: closing releases its leases at once.
 */
final class Outsider implements AutoCloseable {
    static final String PARTICIPANT = "outsider";

    private final Baton baton = Baton.builder()
            .store(MemoryLeaseStore.shared(Deployments.NAMESPACE))
            .participant(PARTICIPANT)
            .defaults(ElectionSettings.of(Duration.ofSeconds(2), Duration.ofMillis(500)))
            .shutdownTimeout(Duration.ofSeconds(2))
            .build();

    /**
     * Takes a group over from the application: the outsider competes, the application steps down (and stays out of
     * the race for a renew interval), the outsider wins on the release and then keeps renewing.
     *
     * @param application the application's election of the group, leading now
     * @return the outsider's election of the group, leading
     */
    LeaderElection takeOver(LeaderElection application) {
        LeaderElection mine = baton.election(application.group());
        Waits.until(application::isLeader, "the application to lead group '" + application.group() + "'");
        application.stepDown();
        Waits.until(mine::isLeader, "the outsider to take group '" + application.group() + "' over");
        return mine;
    }

    @Override
    public void close() {
        baton.close();
    }
}
