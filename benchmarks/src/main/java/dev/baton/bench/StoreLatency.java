package dev.baton.bench;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Times a store's three writes one call at a time, one client: {@code tryAcquire} of free leases, {@code renew} of
 * the leases just granted, {@code release} of them. Shared by section 2 and by the baseline comparison, so that both
 * builds are measured by the very same loop.
 */
final class StoreLatency {
    /** The lease length of every grant: long enough that nothing expires during a run. */
    static final Duration TTL = Duration.ofSeconds(30);

    /** The durations of one measured pass, in nanoseconds. */
    record Result(Samples acquire, Samples renew, Samples release) {
        Result() {
            this(new Samples(), new Samples(), new Samples());
        }
    }

    private StoreLatency() {}

    /**
     * Acquires every name, renews every lease, releases every lease, in that order.
     *
     * @param store the store under test
     * @param names free lease names (a first grant each, unless the caller prepared them)
     * @param into where the durations go, or null for a warm-up pass that keeps nothing
     * @throws IllegalStateException when the store refuses a grant, a renewal or a release it should accept
     */
    static void pass(LeaseStore store, List<String> names, Result into) {
        List<LeaseRecord> held = new ArrayList<>(names.size());
        for (String name : names) {
            long t0 = System.nanoTime();
            LeaseRecord r = store.tryAcquire(name, "me", TTL)
                    .orElseThrow(() -> new IllegalStateException("no grant of the free lease " + name));
            long t1 = System.nanoTime();
            if (!r.heldBy("me")) {
                throw new IllegalStateException("the free lease " + name + " is held by " + r.holder());
            }
            record(into == null ? null : into.acquire(), t1 - t0);
            held.add(r);
        }
        for (LeaseRecord r : held) {
            long t0 = System.nanoTime();
            store.renew(r.name(), "me", r.token(), TTL)
                    .orElseThrow(() -> new IllegalStateException("renewal refused for " + r));
            long t1 = System.nanoTime();
            record(into == null ? null : into.renew(), t1 - t0);
        }
        for (LeaseRecord r : held) {
            long t0 = System.nanoTime();
            if (!store.release(r.name(), "me", r.token())) {
                throw new IllegalStateException("release refused for " + r);
            }
            long t1 = System.nanoTime();
            record(into == null ? null : into.release(), t1 - t0);
        }
    }

    /**
     * Passes over {@code names}, again and again, until {@code total} leases were acquired, renewed and released:
     * one pass when there are that many names, rounds over the same names when the backend needs them prepared
     * ({@link FirstGrants}).
     */
    static void cycle(LeaseStore store, List<String> names, int total, Result into) {
        for (int done = 0; done < total; done += names.size()) {
            pass(store, names.subList(0, Math.min(names.size(), total - done)), into);
        }
    }

    /**
     * @param prefix what makes the names unique to this run and pass
     * @param count how many
     * @return {@code prefix-0 .. prefix-(count-1)}
     */
    static List<String> names(String prefix, int count) {
        List<String> names = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            names.add(prefix + "-" + i);
        }
        return names;
    }

    private static void record(Samples samples, long nanos) {
        if (samples != null) {
            samples.add(nanos);
        }
    }
}
