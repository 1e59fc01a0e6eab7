package dev.baton.example.payara;

import dev.baton.Leader;
import jakarta.ejb.Lock;
import jakarta.ejb.LockType;
import jakarta.ejb.Schedule;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster-wide report job. The EJB timer fires every two seconds on every instance; {@link Leader} lets the
 * callback through only on the instance that leads the {@code reports} group and skips it everywhere else. The timer
 * is not persistent: each instance has its own, and Baton decides which one does the work.
 */
@Singleton
@Startup
public class ReportJob {

    private static final System.Logger LOG = System.getLogger(ReportJob.class.getName());

    private final AtomicLong runs = new AtomicLong();
    private final AtomicReference<Instant> lastRun = new AtomicReference<>();

    /** Writes "the report"; here it only counts, so the status endpoint can prove who ran it. */
    @Schedule(second = "*/2", minute = "*", hour = "*", persistent = false)
    @Leader("reports")
    public void writeReport() {
        long n = runs.incrementAndGet();
        lastRun.set(Instant.now());
        LOG.log(System.Logger.Level.INFO, "report #{0} written by this instance (the leader)", Long.toString(n));
    }

    /** How many times this instance ran the job. */
    @Lock(LockType.READ)
    public long runs() {
        return runs.get();
    }

    /** When this instance last ran the job. */
    @Lock(LockType.READ)
    public Optional<Instant> lastRun() {
        return Optional.ofNullable(lastRun.get());
    }
}
