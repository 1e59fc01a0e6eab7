package dev.baton.cdi.stereotype;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.concurrent.atomic.AtomicInteger;

/** Guarded in the reports group through {@link ReportsJob} only. */
@ApplicationScoped
@ReportsJob
public class ReportService {
    public static final AtomicInteger RUNS = new AtomicInteger();

    public void run() {
        RUNS.incrementAndGet();
    }
}
