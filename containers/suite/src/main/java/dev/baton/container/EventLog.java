package dev.baton.container;

import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Records every {@link LeadershipChanged} seen by a synchronous and an asynchronous observer. Injects the election of
 * {@value #GROUP}, so that the group starts with the application (and its first {@code ACQUIRED} is recorded).
 */
@ApplicationScoped
public class EventLog {
    /** The group whose events the test provokes. */
    public static final String GROUP = "events";

    @Inject
    @ElectionGroup(GROUP)
    LeaderElection election;

    private final List<LeadershipChanged> sync = new CopyOnWriteArrayList<>();
    private final List<LeadershipChanged> async = new CopyOnWriteArrayList<>();

    void onChange(@Observes LeadershipChanged event) {
        sync.add(event);
    }

    void onChangeAsync(@ObservesAsync LeadershipChanged event) {
        async.add(event);
    }

    /**
     * @param group a group
     * @return the events of that group seen by the synchronous observer, in arrival order
     */
    public List<LeadershipChanged> sync(String group) {
        return sync.stream().filter(e -> e.group().equals(group)).toList();
    }

    /**
     * @param group a group
     * @return the events of that group seen by the asynchronous observer, in arrival order
     */
    public List<LeadershipChanged> async(String group) {
        return async.stream().filter(e -> e.group().equals(group)).toList();
    }
}
