package dev.baton.cdi.defaultgroup;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** Guarded in the default group through the {@link LeaderJob} stereotype only. */
@ApplicationScoped
@LeaderJob
public class StereotypedService {

    public static final AtomicInteger RUNS = new AtomicInteger();

    public void job() {
        RUNS.incrementAndGet();
    }
}
