package dev.baton.bench;

import dev.baton.chaos.Percentiles;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** A sample of durations in nanoseconds, summarised as median / p99 / max in milliseconds. */
final class Samples {
    private final List<Long> nanos = new ArrayList<>();

    void add(long n) {
        nanos.add(n);
    }

    int size() {
        return nanos.size();
    }

    /** @return the durations in the order added */
    List<Long> nanos() {
        return List.copyOf(nanos);
    }

    Percentiles percentiles() {
        return Percentiles.ofNanos(nanos);
    }

    double medianMillis() {
        return percentiles().medianMillis();
    }

    /** @return {@code median / p99 / max} in ms, with precision suited to the magnitude */
    String cell() {
        Percentiles p = percentiles();
        if (p.count() == 0) {
            return "n/a";
        }
        return fmt(p.medianMillis()) + " / " + fmt(p.p99Millis()) + " / " + fmt(p.maxMillis());
    }

    static String fmt(double ms) {
        if (ms >= 100) {
            return String.format(Locale.ROOT, "%.0f", ms);
        }
        if (ms >= 1) {
            return String.format(Locale.ROOT, "%.1f", ms);
        }
        return String.format(Locale.ROOT, "%.3f", ms);
    }
}
