package dev.baton.cdi.failover;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** A scheduled-style job guarded by group "jobs". */
@ApplicationScoped
public class FailoverService {
    private final AtomicInteger runs = new AtomicInteger();

    /** The guarded body: counts runs. */
    @Leader("jobs")
    public void tick() {
        runs.incrementAndGet();
    }

    /** @return how often the body ran on this node */
    public int runs() {
        return runs.get();
    }
}
