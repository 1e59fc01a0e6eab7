package dev.baton.jaxrs;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.inject.spi.CDI;

/** Finds a group's election; the default finds it in the application's CDI container, as {@code @Inject} would. */
@FunctionalInterface
interface ElectionLookup {

    /**
     * @param group a group name, or empty for the default group
     * @return the group's election (started now if nothing started it before)
     */
    LeaderElection election(String group);

    /** @return the lookup through {@link CDI#current()}: the unqualified election, or {@link ElectionGroup}'s */
    static ElectionLookup cdi() {
        return group -> group.isEmpty()
                ? CDI.current().select(LeaderElection.class).get()
                : CDI.current().select(LeaderElection.class, ElectionGroup.Literal.of(group)).get();
    }
}
