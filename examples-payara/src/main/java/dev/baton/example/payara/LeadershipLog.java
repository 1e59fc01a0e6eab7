package dev.baton.example.payara;

import dev.baton.LeadershipChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/** Observes Baton's leadership events: logs each transition and keeps the most recent ones for the status page. */
@ApplicationScoped
public class LeadershipLog {

    private static final System.Logger LOG = System.getLogger(LeadershipLog.class.getName());
    private static final int KEPT = 20;

    private final Deque<LeadershipChanged> recent = new ArrayDeque<>();

    void onChange(@Observes LeadershipChanged event) {
        LOG.log(System.Logger.Level.INFO, "group {0}: {1} -> {2} ({3}), leader {4}, token {5}",
                event.group(), event.previousRole(), event.role(), event.cause(),
                event.leader().orElse("unknown"),
                event.fencingToken().isPresent() ? Long.toString(event.fencingToken().getAsLong()) : "-");
        synchronized (recent) {
            recent.addFirst(event);
            if (recent.size() > KEPT) {
                recent.removeLast();
            }
        }
    }

    /** The most recent transitions, newest first. */
    public List<LeadershipChanged> recent() {
        synchronized (recent) {
            return List.copyOf(recent);
        }
    }
}
