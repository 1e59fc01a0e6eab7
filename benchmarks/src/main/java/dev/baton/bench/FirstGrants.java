package dev.baton.bench;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A name's first grant on a backend where it costs more than any later one, by design: on Azure Blob Storage the
 * lease blob is made then, and its first token waits until the service's clock has left the second the blob was
 * made in (up to 1 s, once per name), so that tokens keep increasing even if the blob is deleted later. An election
 * pays that once per group, not per acquisition; section 2 times it apart and measures acquire on names used before.
 */
final class FirstGrants {
    /**
     * First grants made at once: their one-second waits overlap, while the emulator (one Node.js process) still
     * answers each request well within the store's call timeout.
     */
    private static final int THREADS = 8;
    /** A first grant whose wait no longer fits in the call timeout fails; the engine would retry it, so do we. */
    private static final int ATTEMPTS = 3;

    private FirstGrants() {}

    /**
     * @param backend a backend name
     * @return true when a name's first grant waits for something later grants do not
     */
    static boolean costlyOn(String backend) {
        return backend.equals("azure-blob");
    }

    /**
     * Times first grants one at a time, each released again (untimed).
     *
     * @return the durations of {@code count} first grants of new names
     */
    static Samples timeSome(LeaseStore store, String prefix, int count) {
        Samples first = new Samples();
        for (String name : StoreLatency.names(prefix, count)) {
            long t0 = System.nanoTime();
            LeaseRecord r = grant(store, name);
            first.add(System.nanoTime() - t0);
            store.release(name, "me", r.token());
        }
        return first;
    }

    /**
     * Gives every name its first grant and releases it again, a few at a time, so that the measured acquisitions
     * find their lease blobs made and free, as an election's later acquisitions do. Returns only when no grant is
     * in flight any more, so that nothing it started weighs on the next measurement.
     */
    static void makeAll(LeaseStore store, List<String> names) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<Boolean>> done = new ArrayList<>(names.size());
            for (String name : names) {
                done.add(pool.submit(() -> store.release(name, "me", grantRetrying(store, name).token())));
            }
            for (Future<Boolean> f : done) {
                if (!f.get()) {
                    throw new IllegalStateException("a first grant was not released");
                }
            }
        } finally {
            pool.shutdownNow();
            pool.awaitTermination(1, TimeUnit.MINUTES);
        }
    }

    private static LeaseRecord grantRetrying(LeaseStore store, String name) {
        for (int attempt = 1; ; attempt++) {
            try {
                return grant(store, name);
            } catch (LeaseStoreException e) {
                if (attempt == ATTEMPTS || Thread.currentThread().isInterrupted()) {
                    throw e;
                }
            }
        }
    }

    private static LeaseRecord grant(LeaseStore store, String name) {
        LeaseRecord r = store.tryAcquire(name, "me", StoreLatency.TTL)
                .orElseThrow(() -> new IllegalStateException("no first grant of " + name));
        if (!r.heldBy("me")) {
            throw new IllegalStateException("the new lease " + name + " is held by " + r.holder());
        }
        return r;
    }
}
