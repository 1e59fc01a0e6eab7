package dev.baton.cdi.defaultgroup;

import dev.baton.Leader;
import dev.baton.LeadershipChanged;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/** Uses only group "reports" and records every role change it observes. */
@ApplicationScoped
public class NamedOnlyService {

    public static final BlockingQueue<LeadershipChanged> SEEN = new LinkedBlockingQueue<>();

    @Leader("reports")
    public void report() {}

    void onChange(@Observes LeadershipChanged event) {
        SEEN.add(event);
    }
}
