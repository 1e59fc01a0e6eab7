package dev.baton.chaos;

import dev.baton.chaos.RunRecords.Fault;
import dev.baton.chaos.RunRecords.Incarnation;
import dev.baton.chaos.RunRecords.Work;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/** Writes a run's report: {@code summary.txt} (the verdict and figures) and {@code timeline.svg}. */
public final class Reports {

    private Reports() {}

    /**
     * @param runDir the run folder
     * @param result the verdict
     */
    public static void write(Path runDir, CheckResult result) {
        try {
            Files.writeString(runDir.resolve("summary.txt"), text(result), StandardCharsets.UTF_8);
            Files.writeString(runDir.resolve("timeline.svg"), TimelineSvg.render(result), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the report under " + runDir, e);
        }
    }

    /**
     * @param r the verdict
     * @return the text summary
     */
    public static String text(CheckResult r) {
        RunRecords rec = r.records();
        StringBuilder sb = new StringBuilder();
        String nl = System.lineSeparator();
        sb.append("Baton chaos run: backend ").append(r.backend()).append(nl);
        sb.append(String.format(Locale.ROOT,
                "participants %s, ttl %s ms, renew %s ms, tick %s ms, duration %s s, seed %s%s%n",
                rec.settings().getProperty("participants"), rec.settings().getProperty("ttl.ms"),
                rec.settings().getProperty("renew.ms"), rec.settings().getProperty("tick.ms"),
                Long.parseLong(rec.settings().getProperty("duration.ms", "0")) / 1000,
                rec.settings().getProperty("seed"),
                Boolean.parseBoolean(rec.settings().getProperty("unsafe", "false"))
                        ? " - NEGATIVE CONTROL (participants check leadership once, then work "
                                + rec.settings().getProperty("unsafe.work.ms") + " ms unguarded)" : ""));
        sb.append("host: ").append(rec.settings().getProperty("host", "?")).append(nl);
        sb.append("bounds: new leader within ").append(rec.settings().getProperty("leader.bound.ms"))
                .append(" ms of a leader fault (ttl + constant); within ")
                .append(rec.settings().getProperty("server.bound.ms"))
                .append(" ms of the server's return after a server fault").append(nl).append(nl);

        sb.append("VERDICT: ").append(r.passed() ? "PASS, 0 violations" : "FAIL, " + r.violations().size()
                + " violations").append(nl);
        r.violations().stream().limit(50).forEach(v -> sb.append("  ").append(v).append(nl));
        if (r.violations().size() > 50) {
            sb.append("  ... ").append(r.violations().size() - 50).append(" more").append(nl);
        }
        sb.append(nl);

        Map<FaultKind, Integer> counts = new EnumMap<>(FaultKind.class);
        rec.faults().forEach(f -> counts.merge(f.kind(), 1, Integer::sum));
        sb.append("faults injected: ").append(rec.faults().size()).append(nl);
        counts.forEach((k, n) -> sb.append(String.format(Locale.ROOT, "  %-17s %3d  %s%n", k, n, k.description())));
        long transitions = r.tenures().stream().map(Tenure::token).distinct().count();
        sb.append("leadership tenures (distinct tokens): ").append(transitions)
                .append(", participant JVMs started: ").append(rec.incarnations().size()).append(nl);
        sb.append("tokens: ").append(r.tenures().isEmpty() ? "-" : r.tenures().get(0).token() + " .. "
                + r.tenures().get(r.tenures().size() - 1).token()).append(" (strictly increasing in time order)")
                .append(nl);
        sb.append(String.format(Locale.ROOT,
                "slots (%s ms ticks): %d scheduled, %d executed exactly once, %d not run during handovers "
                        + "(%.2f%%), 0 tolerated otherwise%n",
                rec.settings().getProperty("tick.ms"), r.slotsScheduled(), r.slotsExecuted(), r.slotsInHandover(),
                r.slotsScheduled() == 0 ? 0.0 : 100.0 * r.slotsInHandover() / r.slotsScheduled()));
        sb.append("unconfirmed work units (term no longer valid at their end; a fencing-token check would refuse "
                + "them): ").append(r.unconfirmedWork()).append(nl);
        sb.append("leadership reported by events (ACQUIRED at -> end's validUntil), checked for overlap: ")
                .append(r.eventIntervals()).append(" intervals").append(nl).append(nl);

        sb.append("failover / recovery times:").append(nl);
        sb.append("  crash     (kill -9, SIGSTOP, cut, partition; fault -> first work under a newer token): ")
                .append(r.failover().get("crash")).append(nl);
        sb.append("  graceful  (SIGTERM of the leader; fault -> first work under a newer token): ")
                .append(r.failover().get("graceful")).append(nl);
        sb.append("  server    (server back -> first confirmed work): ").append(r.failover().get("server"))
                .append(nl);
        sb.append("  slow link (longest stretch without confirmed work): ").append(r.failover().get("slow-link"))
                .append(nl);
        if (r.failover().get("member").count() > 0) { // only where the participants are the store
            sb.append("  member    (a member that does not lead back -> first confirmed work): ")
                    .append(r.failover().get("member")).append(nl);
        }
        sb.append(nl);

        long epoch = rec.setting("epoch.nanos");
        sb.append("faults in order (t = seconds since start):").append(nl);
        for (FaultOutcome o : r.outcomes()) {
            Fault f = o.fault();
            sb.append(String.format(Locale.ROOT, "  #%-3d t=%7.2f %-17s %-6s token %-4s -> %-6s %6s ms (bound %d)%s%n",
                    f.number(), (f.start() - epoch) / 1e9, f.kind(), f.target(),
                    o.tokenBefore() < 0 ? "-" : Long.toString(o.tokenBefore()), o.newLeader(),
                    o.recoveryNanos() < 0 ? "none" : Long.toString(o.recoveryNanos() / 1_000_000),
                    o.boundNanos() / 1_000_000, o.withinBound() ? "" : "  VIOLATION"));
        }
        sb.append(nl).append("participants:").append(nl);
        for (Incarnation inc : rec.incarnations()) {
            long ticks = inc.work().stream().filter(w -> w.valid() && w.slot() >= 0).count();
            TreeSet<Long> tokens = new TreeSet<>();
            inc.work().stream().filter(Work::valid).forEach(w -> tokens.add(w.token()));
            sb.append(String.format(Locale.ROOT, "  %-6s pid %-7d %-18s ticks %5d tokens %s%n", inc.id(), inc.pid(),
                    inc.cleanExit() ? "clean exit" : rec.killed().contains(inc.id()) ? "killed (kill -9)" : "DIED",
                    ticks, tokens));
        }
        return sb.toString();
    }
}
