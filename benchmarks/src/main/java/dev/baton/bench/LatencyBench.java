package dev.baton.bench;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Store operation latency per backend, sequential, one client: tryAcquire of a free lease (a first acquisition),
 * renew of a held lease, release, and the backend's raw single round trip with its official client.
 */
final class LatencyBench {
    /** One backend's figures. */
    record Result(String backend, Samples acquire, Samples renew, Samples release, Samples raw, String rawWhat) {}

    private LatencyBench() {}

    static Result run(BackendUnderTest b, int n) throws Exception {
        Duration ttl = Duration.ofSeconds(30);
        Samples acquire = new Samples();
        Samples renew = new Samples();
        Samples release = new Samples();
        Samples raw = new Samples();
        String rawWhat;
        try (LeaseStore store = b.newStore(ttl); RawRoundTrip rt = RawRoundTrip.open(b)) {
            rawWhat = rt.what();
            String run = Long.toString(System.nanoTime(), 36);
            for (int round = 0; round < 2; round++) { // round 0 warms up
                boolean measure = round == 1;
                int count = measure ? n : Math.max(50, n / 5);
                List<LeaseRecord> held = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    LeaseRecord r = store.tryAcquire("lat-" + run + "-" + round + "-" + i, "me", ttl).orElseThrow();
                    long t1 = System.nanoTime();
                    if (measure) {
                        acquire.add(t1 - t0);
                    }
                    held.add(r);
                }
                for (LeaseRecord r : held) {
                    long t0 = System.nanoTime();
                    store.renew(r.name(), "me", r.token(), ttl).orElseThrow();
                    long t1 = System.nanoTime();
                    if (measure) {
                        renew.add(t1 - t0);
                    }
                }
                for (LeaseRecord r : held) {
                    long t0 = System.nanoTime();
                    if (!store.release(r.name(), "me", r.token())) {
                        throw new IllegalStateException("release refused for " + r);
                    }
                    long t1 = System.nanoTime();
                    if (measure) {
                        release.add(t1 - t0);
                    }
                }
                for (int i = 0; i < count; i++) {
                    long t0 = System.nanoTime();
                    rt.once();
                    long t1 = System.nanoTime();
                    if (measure) {
                        raw.add(t1 - t0);
                    }
                }
            }
        }
        return new Result(b.name, acquire, renew, release, raw, rawWhat);
    }
}
