package dev.baton.chaos;

import dev.baton.chaos.RunRecords.Incarnation;
import dev.baton.chaos.RunRecords.RoleEvent;
import dev.baton.chaos.RunRecords.Work;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The leadership that the participants' events report, checked like the confirmed work: from an acquisition's
 * {@code at} to the end event's {@code validUntil} (when {@code isLeader()} stopped being true, even if the end was
 * noticed later, after a pause), no two intervals of different tenures may overlap. An application that logs or audits
 * "led from A to B" from the events relies on this. Both instants are wall-clock, compared exactly because every
 * process reads the same host clock. A killed process reports no end: its interval ends with its last confirmed unit
 * of work (what it did; what it could have done is bounded by the store's grant, checked by OVERLAP).
 */
final class EventIntervals {

    /** A reported tenure: who, which token, and from when to when (wall clock, microseconds). */
    private record Interval(String participant, long token, long from, long until) {}

    private EventIntervals() {}

    /**
     * @param r a run's records
     * @param violations where {@code EVENT-OVERLAP} lines go
     * @return how many intervals were checked (records of an older format, without the instants, have none)
     */
    static int check(RunRecords r, List<String> violations) {
        List<Interval> intervals = new ArrayList<>();
        for (Incarnation inc : r.incarnations()) {
            intervals.addAll(of(inc));
        }
        intervals.sort(Comparator.comparingLong(Interval::from));
        Interval reach = null; // the interval reaching furthest so far
        for (Interval i : intervals) {
            if (reach != null && i.from() < reach.until()
                    && (i.token() != reach.token() || !i.participant().equals(reach.participant()))) {
                violations.add("EVENT-OVERLAP: " + reach.participant() + " reported leading with token "
                        + reach.token() + " until " + instant(reach.until()) + ", but " + i.participant()
                        + " reported acquiring with token " + i.token() + " at " + instant(i.from()) + " ("
                        + (reach.until() - i.from()) + " µs before)");
            }
            if (reach == null || i.until() > reach.until()) {
                reach = i;
            }
        }
        return intervals.size();
    }

    private static List<Interval> of(Incarnation inc) {
        List<Interval> out = new ArrayList<>();
        RoleEvent acquired = null;
        for (RoleEvent e : inc.events()) {
            if (e.atMicros() < 0) {
                return List.of(); // an older record format
            }
            if (e.role().equals("LEADER")) {
                acquired = e;
            } else if (acquired != null) {
                out.add(new Interval(inc.id(), acquired.token(), acquired.atMicros(), e.validUntilMicros()));
                acquired = null;
            }
        }
        if (acquired != null) { // killed while leading
            long lastWork = -1;
            for (Work w : inc.work()) {
                if (w.valid() && w.token() == acquired.token()) {
                    lastWork = Math.max(lastWork, (w.end() + inc.clockOffsetNanos()) / 1_000);
                }
            }
            out.add(new Interval(inc.id(), acquired.token(), acquired.atMicros(),
                    Math.max(acquired.atMicros(), lastWork)));
        }
        return out;
    }

    private static Instant instant(long micros) {
        return Instant.ofEpochSecond(micros / 1_000_000, (micros % 1_000_000) * 1_000);
    }
}
