package dev.baton.container;

import dev.baton.Leader;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.inject.Inject;

/**
 * An EJB timer guarded by {@code @Leader} (the interceptor's {@code @AroundTimeout}) beside an unguarded one, both
 * every second; non-persistent, so no timer store or cluster is involved.
 */
@Singleton
public class ScheduledJob {
    /** The group the guarded timer uses. */
    public static final String GROUP = "jobs";

    @Inject
    JobRuns runs;

    /** Runs on the leader only. */
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
    @Leader(GROUP)
    public void guarded() {
        runs.ran();
    }

    /** Runs everywhere, every second. */
    @Schedule(second = "*", minute = "*", hour = "*", persistent = false)
    public void tick() {
        runs.ticked();
    }
}
