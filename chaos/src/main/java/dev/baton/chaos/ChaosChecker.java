package dev.baton.chaos;

import dev.baton.chaos.RunRecords.Fault;
import dev.baton.chaos.RunRecords.Incarnation;
import dev.baton.chaos.RunRecords.RoleEvent;
import dev.baton.chaos.RunRecords.Work;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Proves the safety model from a chaos run's records alone. Ground truth is the confirmed work of each participant
 * (see {@link GuardedTicker}): a unit stamped {@code [start, end]} under token T lies inside the store's grant of T.
 * All stamps come from the host's shared monotonic clock, so stamps of different processes compare exactly; the
 * checker verifies that premise first.
 *
 * <p>Checks, each failure a violation:
 * <ol>
 *   <li>CLOCK: every process's wall-minus-monotonic offset agrees within 100 ms (the clocks are shared).</li>
 *   <li>OVERLAP: no two tenures (participant + token, first to last confirmed work) with different tokens overlap
 *       in time, to the nanosecond.</li>
 *   <li>TOKEN: a token belongs to one participant; tenures in time order have strictly increasing tokens.</li>
 *   <li>DUPLICATE / LOST: every slot from the first executed to the last runs exactly once, except slots that fall
 *       between the last tick of one tenure and the first of the next (the handover tolerance: a dead leader's
 *       slot is not replayed by its successor, which starts at the next slot boundary).</li>
 *   <li>FAILOVER: after each leader fault a newer token leads within ttl + constant of the fault; after a slow link
 *       no stretch without a leader exceeds that bound; after a server fault someone leads within ttl + server
 *       constant of the server's return.</li>
 *   <li>EVENTS: a participant that exited cleanly saw every acquisition followed by exactly one loss/release.</li>
 *   <li>EVENT-OVERLAP: the leadership the events report (acquisition {@code at} to the end's {@code validUntil})
 *       never overlaps between tenures ({@link EventIntervals}).</li>
 *   <li>DIED / ERROR: no participant died unless the controller killed it; none wrote an error line.</li>
 * </ol>
 */
public final class ChaosChecker {
    private static final long CLOCK_TOLERANCE_NANOS = 100_000_000L;

    private ChaosChecker() {}

    /**
     * Checks a run folder and writes its report next to the records.
     *
     * @param args the run folder
     */
    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: ChaosChecker <run folder>");
            System.exit(2);
        }
        CheckResult result = check(RunRecords.read(Path.of(args[0])));
        Reports.write(Path.of(args[0]), result);
        System.out.println(Reports.text(result));
        System.exit(result.passed() ? 0 : 1);
    }

    /**
     * @param r a run's records
     * @return the verdict
     */
    public static CheckResult check(RunRecords r) {
        List<String> v = new ArrayList<>();
        long ttl = r.setting("ttl.ms") * 1_000_000L;
        long leaderBound = r.setting("leader.bound.ms") * 1_000_000L;
        long serverBound = r.setting("server.bound.ms") * 1_000_000L;

        checkClocks(r, v);
        checkProcesses(r, v);

        List<Work> valid = new ArrayList<>();
        int unconfirmed = 0;
        for (Incarnation inc : r.incarnations()) {
            for (Work w : inc.work()) {
                if (w.valid()) {
                    valid.add(w);
                } else {
                    unconfirmed++;
                }
            }
        }
        valid.sort(Comparator.comparingLong(Work::start));

        int eventIntervals = EventIntervals.check(r, v);
        List<Tenure> tenures = tenures(valid);
        checkTenures(tenures, v);
        long[] slots = checkSlots(valid, v);

        List<FaultOutcome> outcomes = new ArrayList<>();
        for (Fault f : r.faults()) {
            if (f.heal() < 0) {
                continue; // the run was cut short while this fault was active
            }
            FaultOutcome o = outcome(f, valid, ttl, leaderBound, serverBound);
            outcomes.add(o);
            if (!o.withinBound()) {
                v.add(String.format(Locale.ROOT, "FAILOVER: fault #%d %s on %s: %s (bound %d ms)", f.number(),
                        f.kind(), f.target(),
                        o.recoveryNanos() < 0 ? "no leader followed" : "took " + o.recoveryNanos() / 1_000_000 + " ms",
                        o.boundNanos() / 1_000_000));
            }
        }
        Map<String, Percentiles> failover = new LinkedHashMap<>();
        failover.put("crash", stats(outcomes, Set.of(FaultKind.KILL_LEADER, FaultKind.PAUSE_LEADER,
                FaultKind.CUT_LEADER, FaultKind.PARTITION_LEADER)));
        failover.put("graceful", stats(outcomes, Set.of(FaultKind.STOP_LEADER)));
        failover.put("server", stats(outcomes, Set.of(FaultKind.KILL_SERVER, FaultKind.PAUSE_SERVER)));
        failover.put("slow-link", stats(outcomes, Set.of(FaultKind.DELAY_LEADER)));
        failover.put("member", stats(outcomes, Set.of(FaultKind.KILL_MEMBER, FaultKind.PAUSE_MEMBER)));
        return new CheckResult(r.settings().getProperty("backend", "?"), r, List.copyOf(v), tenures,
                List.copyOf(outcomes), slots[0], slots[1], slots[2], unconfirmed, failover, eventIntervals);
    }

    private static void checkClocks(RunRecords r, List<String> v) {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (Incarnation inc : r.incarnations()) {
            if (inc.started() >= 0) {
                min = Math.min(min, inc.clockOffsetNanos());
                max = Math.max(max, inc.clockOffsetNanos());
            }
        }
        if (max - min > CLOCK_TOLERANCE_NANOS) {
            v.add("CLOCK: processes' monotonic clocks differ by " + (max - min) / 1_000_000
                    + " ms (wall clock stepped, or System.nanoTime() is not shared here): stamps are not comparable");
        }
    }

    private static void checkProcesses(RunRecords r, List<String> v) {
        for (Incarnation inc : r.incarnations()) {
            boolean killed = r.killed().contains(inc.id());
            if (inc.started() < 0) {
                v.add("DIED: " + inc.id() + " wrote no start line");
            } else if (!inc.cleanExit() && !killed) {
                v.add("DIED: " + inc.id() + " ended without a clean shutdown and was not killed by the controller");
            }
            for (String e : inc.errors()) {
                v.add("ERROR: " + inc.id() + ": " + e);
            }
            if (inc.cleanExit()) {
                boolean leading = false;
                for (RoleEvent e : inc.events()) {
                    boolean leader = e.role().equals("LEADER");
                    if (leader && leading) {
                        v.add("EVENTS: " + inc.id() + " announced a second acquisition (token " + e.token()
                                + ") without a loss in between");
                    }
                    leading = leader;
                }
                if (leading) {
                    v.add("EVENTS: " + inc.id() + " exited cleanly but its last acquisition was never followed by a "
                            + "loss or release event");
                }
            }
        }
    }

    private static List<Tenure> tenures(List<Work> valid) {
        Map<String, long[]> byKey = new LinkedHashMap<>(); // start, end, ticks, firstSlot, lastSlot
        Map<String, Work> sample = new HashMap<>();
        for (Work w : valid) {
            String key = w.participant() + "#" + w.token();
            long[] t = byKey.computeIfAbsent(key, k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE, 0, -1, -1});
            sample.putIfAbsent(key, w);
            t[0] = Math.min(t[0], w.start());
            t[1] = Math.max(t[1], w.end());
            if (w.slot() >= 0) {
                t[2]++;
                t[3] = t[3] < 0 ? w.slot() : Math.min(t[3], w.slot());
                t[4] = Math.max(t[4], w.slot());
            }
        }
        List<Tenure> out = new ArrayList<>();
        byKey.forEach((key, t) -> {
            Work w = sample.get(key);
            out.add(new Tenure(w.participant(), w.token(), t[0], t[1], (int) t[2], t[3], t[4]));
        });
        out.sort(Comparator.comparingLong(Tenure::start));
        return out;
    }

    private static void checkTenures(List<Tenure> tenures, List<String> v) {
        Map<Long, Set<String>> holders = new TreeMap<>();
        for (Tenure t : tenures) {
            holders.computeIfAbsent(t.token(), k -> new HashSet<>()).add(t.participant());
        }
        holders.forEach((token, who) -> {
            if (who.size() > 1) {
                v.add("TOKEN: token " + token + " was used by several participants: " + who);
            }
        });
        for (int i = 0; i < tenures.size(); i++) {
            Tenure a = tenures.get(i);
            for (int j = i + 1; j < tenures.size() && tenures.get(j).start() < a.end(); j++) {
                Tenure b = tenures.get(j);
                if (b.token() != a.token()) {
                    v.add(String.format(Locale.ROOT,
                            "OVERLAP: %s (token %d) and %s (token %d) both did confirmed work during %.1f ms",
                            a.participant(), a.token(), b.participant(), b.token(),
                            (Math.min(a.end(), b.end()) - b.start()) / 1e6));
                }
            }
            if (i > 0 && a.token() <= tenures.get(i - 1).token()) {
                v.add("TOKEN: " + a.participant() + " led with token " + a.token() + " after "
                        + tenures.get(i - 1).participant() + " led with token " + tenures.get(i - 1).token()
                        + ": tokens must strictly increase");
            }
        }
    }

    /** @return scheduled, executed, in handover */
    private static long[] checkSlots(List<Work> valid, List<String> v) {
        TreeMap<Long, List<Work>> bySlot = new TreeMap<>();
        for (Work w : valid) {
            if (w.slot() >= 0) {
                bySlot.computeIfAbsent(w.slot(), k -> new ArrayList<>()).add(w);
            }
        }
        if (bySlot.isEmpty()) {
            v.add("LOST: no slot was ever executed");
            return new long[] {0, 0, 0};
        }
        long handover = 0;
        long executed = 0;
        Work previous = null;
        for (Map.Entry<Long, List<Work>> e : bySlot.entrySet()) {
            List<Work> runs = e.getValue();
            if (runs.size() > 1) {
                v.add("DUPLICATE: slot " + e.getKey() + " ran " + runs.size() + " times: "
                        + runs.stream().map(w -> w.participant() + "/token " + w.token()).toList());
            } else {
                executed++;
            }
            Work w = runs.get(0);
            if (previous != null) {
                long gap = e.getKey() - previous.slot() - 1;
                if (gap > 0) {
                    if (previous.token() == w.token() && previous.participant().equals(w.participant())) {
                        v.add("LOST: slots " + (previous.slot() + 1) + ".." + (e.getKey() - 1) + " never ran although "
                                + w.participant() + " led with token " + w.token() + " throughout");
                    } else {
                        handover += gap;
                    }
                }
            }
            previous = w;
        }
        long scheduled = bySlot.lastKey() - bySlot.firstKey() + 1;
        return new long[] {scheduled, executed, handover};
    }

    private static FaultOutcome outcome(Fault f, List<Work> valid, long ttl, long leaderBound, long serverBound) {
        switch (f.kind().scope()) {
            case LEADER -> {
                long tokenBefore = -1;
                for (Work w : valid) {
                    if (w.start() >= f.start()) {
                        break;
                    }
                    if (w.participant().equals(f.target()) && f.start() - w.end() < ttl) {
                        tokenBefore = w.token();
                    }
                }
                for (Work w : valid) {
                    if (w.start() >= f.start() && w.token() > tokenBefore) {
                        return new FaultOutcome(f, tokenBefore, w.start() - f.start(), leaderBound, w.participant());
                    }
                }
                return new FaultOutcome(f, tokenBefore, -1, leaderBound, "-");
            }
            case SLOW -> {
                long windowEnd = f.heal() + ttl;
                long cursor = f.start();
                long longest = 0;
                String leader = "-";
                for (Work w : valid) {
                    if (w.end() < f.start()) {
                        continue;
                    }
                    if (w.start() > windowEnd) {
                        break;
                    }
                    longest = Math.max(longest, w.start() - cursor);
                    cursor = Math.max(cursor, w.end());
                    leader = w.participant();
                }
                longest = Math.max(longest, windowEnd - cursor);
                return new FaultOutcome(f, -1, longest, leaderBound, leader);
            }
            default -> {
                for (Work w : valid) {
                    if (w.start() >= f.heal()) {
                        return new FaultOutcome(f, -1, w.start() - f.heal(), serverBound, w.participant());
                    }
                }
                return new FaultOutcome(f, -1, -1, serverBound, "-");
            }
        }
    }

    private static Percentiles stats(List<FaultOutcome> outcomes, Set<FaultKind> kinds) {
        List<Long> sample = new ArrayList<>();
        for (FaultOutcome o : outcomes) {
            if (kinds.contains(o.fault().kind()) && o.recoveryNanos() >= 0) {
                sample.add(o.recoveryNanos());
            }
        }
        return Percentiles.ofNanos(sample);
    }
}
