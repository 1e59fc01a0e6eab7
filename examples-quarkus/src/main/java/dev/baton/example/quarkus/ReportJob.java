package dev.baton.example.quarkus;

import dev.baton.Leader;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster-wide report job. Quarkus fires it every two seconds on every instance; {@link Leader} lets it through
 * only on the instance that leads the {@code reports} group and skips it (a {@code void} method) everywhere else.
 */
@ApplicationScoped
public class ReportJob {

    private static final System.Logger LOG = System.getLogger(ReportJob.class.getName());

    private final AtomicLong runs = new AtomicLong();
    private final AtomicReference<Instant> lastRun = new AtomicReference<>();

    /** Writes "the report"; here it only counts, so the status endpoint can prove who ran it. */
    @Scheduled(every = "2s")
    @Leader("reports")
    public void writeReport() {
        long n = runs.incrementAndGet();
        lastRun.set(Instant.now());
        LOG.log(System.Logger.Level.INFO, "report #{0} written by this instance (the leader)", Long.toString(n));
    }

    /** How many times this instance ran the job. */
    public long runs() {
        return runs.get();
    }

    /** When this instance last ran the job. */
    public Optional<Instant> lastRun() {
        return Optional.ofNullable(lastRun.get());
    }
}
