package dev.baton.bench;

import dev.baton.spi.LeaseStore;
import java.util.List;
import java.util.Optional;

/**
 * Store operation latency per backend, sequential, one client: tryAcquire of a free lease (a first acquisition),
 * renew of a held lease, release, and the backend's raw single round trip with its official client.
 */
final class LatencyBench {
    /**
     * Where a name's first grant costs more than later ones ({@link FirstGrants#costlyOn}), the names whose first
     * grant is made beforehand; acquire, renew and release then run in rounds over them.
     */
    static final int PREPARED_NAMES = 50;

    /**
     * One backend's figures.
     *
     * @param firstGrant where a name's very first grant costs more than any later one, a few of those, timed
     *     apart; the acquire column then times names used before
     */
    record Result(String backend, Samples acquire, Samples renew, Samples release, Samples raw, String rawWhat,
            Optional<Samples> firstGrant) {}

    private LatencyBench() {}

    static Result run(BackendUnderTest b, int n) throws Exception {
        StoreLatency.Result measured = new StoreLatency.Result();
        Samples raw = new Samples();
        String rawWhat;
        Optional<Samples> firstGrant = Optional.empty();
        try (LeaseStore store = b.newStore(StoreLatency.TTL); RawRoundTrip rt = RawRoundTrip.open(b)) {
            rawWhat = rt.what();
            String run = "lat-" + Long.toString(System.nanoTime(), 36);
            int warmUpCount = Math.max(50, n / 5);
            List<String> warmUp = StoreLatency.names(run + "-0", warmUpCount);
            List<String> measure = StoreLatency.names(run + "-1", n);
            if (FirstGrants.costlyOn(b.name)) {
                firstGrant = Optional.of(FirstGrants.timeSome(store, run + "-first", Math.max(5, n / 50)));
                warmUp = StoreLatency.names(run + "-prepared", PREPARED_NAMES);
                FirstGrants.makeAll(store, warmUp);
                measure = warmUp;
            }
            StoreLatency.cycle(store, warmUp, warmUpCount, null);
            rawPass(rt, warmUpCount, null);
            StoreLatency.cycle(store, measure, n, measured);
            rawPass(rt, n, raw);
        }
        return new Result(b.name, measured.acquire(), measured.renew(), measured.release(), raw, rawWhat, firstGrant);
    }

    private static void rawPass(RawRoundTrip rt, int count, Samples into) throws Exception {
        for (int i = 0; i < count; i++) {
            rt.prepare();
            long t0 = System.nanoTime();
            rt.once();
            long t1 = System.nanoTime();
            if (into != null) {
                into.add(t1 - t0);
            }
        }
    }
}
