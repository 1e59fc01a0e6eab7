package dev.baton.container;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link ScheduledJob} did, kept apart from the EJB so that the test can inject it on every container (on Weld
 * embedded there is no EJB container, and the job is no bean at all).
 */
@ApplicationScoped
public class JobRuns {
    private final AtomicLong guardedRuns = new AtomicLong();
    private final AtomicLong ticks = new AtomicLong();

    void ran() {
        guardedRuns.incrementAndGet();
    }

    void ticked() {
        ticks.incrementAndGet();
    }

    /** @return how many times the guarded timer's body ran */
    public long guardedRuns() {
        return guardedRuns.get();
    }

    /** @return how many times the unguarded timer fired: proves the timers fire while the guarded body is skipped */
    public long ticks() {
        return ticks.get();
    }
}
