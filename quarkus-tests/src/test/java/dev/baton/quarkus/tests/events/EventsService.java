package dev.baton.quarkus.tests.events;

import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.event.ObservesAsync;
import jakarta.inject.Inject;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Records every event with the thread it arrived on; injects the default group's election, so that it starts. */
@ApplicationScoped
public class EventsService {

    /** An observed event and the observer's thread. */
    public record Seen(LeadershipChanged event, String thread) {}

    public static final BlockingQueue<Seen> SYNC = new LinkedBlockingQueue<>();
    public static final BlockingQueue<Seen> ASYNC = new LinkedBlockingQueue<>();

    @Inject
    LeaderElection election;

    void onChange(@Observes LeadershipChanged event) {
        SYNC.add(new Seen(event, Thread.currentThread().getName()));
    }

    void onChangeAsync(@ObservesAsync LeadershipChanged event) {
        ASYNC.add(new Seen(event, Thread.currentThread().getName()));
    }

    public LeaderElection election() {
        return election;
    }
}
