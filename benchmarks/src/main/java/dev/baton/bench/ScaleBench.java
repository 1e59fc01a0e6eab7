package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.backend.etcd.EtcdLeaseStore;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import io.etcd.jetcd.Client;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/**
 * One participant holding 1,000 groups with the default timing (ttl 15 s, renew 5 s), or 1,000 one-off leases
 * ({@code Leases.tryAcquire}) of the same ttl, renewed every third of it: time to hold them all, store calls per
 * second in steady state (counted by a decorator, a batch counting once), the backend requests behind them (one per
 * call, except on etcd, where a gRPC interceptor counts what the client really sends, and on Azure Blob, where an HTTP
 * pipeline policy counts the SDK's requests), threads added by Baton, and heap retained (after GC) by Baton and the
 * store client.
 */
final class ScaleBench {
    /** What the participant holds. */
    enum Holding {
        /** Groups it leads ({@code Baton.election}). */
        GROUPS("groups"),
        /** One-off leases ({@code Baton.leases().tryAcquire}), acquired one after another on the calling thread. */
        ONE_OFF_LEASES("one-off leases");

        final String label;

        Holding(String label) {
            this.label = label;
        }
    }

    /**
     * One backend's figures.
     *
     * @param groups how many groups or one-off leases were asked for
     * @param led how many were held at the end of the wait: {@code groups} unless not all of them came to be held
     *     within the bound, and then the steady-state rates are NaN (not measured)
     */
    record Result(String backend, Holding holding, int groups, int led, int batchLimit, double acquireAllSeconds,
            double callsPerSecond, double leasesRenewedPerSecond, double batchesPerSecond, double requestsPerSecond,
            int threads, double heapMb) {

        /** @return true when every group led, so the steady state was measured */
        boolean allLed() {
            return led == groups;
        }

        /** @return this result labelled as measured on names that {@link #useNamesOnce} had used before */
        Result usedBefore() {
            return new Result(backend + " (names used before)", holding, groups, led, batchLimit, acquireAllSeconds,
                    callsPerSecond, leasesRenewedPerSecond, batchesPerSecond, requestsPerSecond, threads, heapMb);
        }
    }

    private ScaleBench() {}

    /**
     * Holds {@code count} groups or leases on a store of the backend's (on etcd and Azure Blob, one whose requests
     * are counted).
     *
     * @param leadAllBound how long the groups may take to all lead (the leases to be all acquired); a backend that
     *     does not get there is reported with how many were held, not as a failure: that is its result
     */
    static Result run(BackendUnderTest b, Holding holding, int count, Duration window, Duration leadAllBound)
            throws Exception {
        ElectionSettings settings = ElectionSettings.DEFAULTS;
        Sampled before = Sampled.now(); // before the store client, whose threads and heap count as added
        GrpcRequestCounter grpc = new GrpcRequestCounter();
        Client etcdClient = b.name.equals("etcd")
                ? Client.builder().endpoints(b.config().get("baton.etcd.endpoints")).interceptor(grpc).build()
                : null;
        HttpRequestCounter http = new HttpRequestCounter();
        boolean azure = b.name.equals("azure-blob");
        LeaseStore backend = etcdClient != null
                ? EtcdLeaseStore.create(etcdClient, "/baton-scale/", settings.ttl().dividedBy(5))
                : azure ? CountedAzureBlobStore.create(b.config(), settings.ttl(), http) : b.newStore(settings.ttl());
        RequestCounter requests = etcdClient != null ? grpc::sum : azure ? http::sum : null;
        Runnable resetRequests = () -> {
            grpc.reset();
            http.reset();
        };
        try (etcdClient) {
            return run(b.name, new CountingStore(backend), holding, count, window, leadAllBound, before, requests,
                    resetRequests);
        }
    }

    /**
     * Uses each of the names a run takes ({@code g0...} for groups, {@code l0...} for one-off leases) once: a grant
     * and a release, 16 names at a time, on a store of its own. On azure-blob a name's first grant makes its blob and
     * waits for the service's clock to leave that second (up to 1 s); afterwards the names behave as in a deployment
     * that ran before.
     */
    static void useNamesOnce(BackendUnderTest b, Holding holding, int count) throws Exception {
        String prefix = holding == Holding.GROUPS ? "g" : "l";
        Duration ttl = ElectionSettings.DEFAULTS.ttl();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        try (LeaseStore store = b.newStore(ttl)) {
            List<Future<?>> done = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                String name = prefix + i;
                done.add(pool.submit(() -> {
                    Optional<LeaseRecord> granted = Optional.empty();
                    for (int attempt = 0; attempt < 10 && granted.isEmpty(); attempt++) {
                        try {
                            Optional<LeaseRecord> answer = store.tryAcquire(name, "warm-up", ttl);
                            granted = answer.filter(r -> r.heldBy("warm-up"));
                            if (answer.isPresent() && granted.isEmpty()) {
                                // Still held by the run before (its participant released what it could in its
                                // shutdown timeout): wait for that lease to expire.
                                Thread.sleep(answer.get().remaining().toMillis() + 100);
                            }
                        } catch (LeaseStoreException e) {
                            // a slow first grant: tried again
                        }
                    }
                    LeaseRecord r = granted.orElseThrow(() -> new IllegalStateException("warm-up of " + name));
                    for (int attempt = 0; attempt < 10; attempt++) {
                        try {
                            store.release(name, "warm-up", r.token());
                            return null;
                        } catch (LeaseStoreException e) {
                            // a slow answer on a busy machine: tried again (a release is idempotent)
                        }
                    }
                    throw new IllegalStateException("warm-up of " + name + ": the release kept failing");
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    /** Counts the requests that reach the backend, where that is not one per store call. */
    interface RequestCounter {
        long sum();
    }

    /** Threads and heap of the JVM at one moment, before the store was created. */
    record Sampled(int threads, long heap) {
        static Sampled now() throws InterruptedException {
            // The previous run's client threads may still be winding down: wait (up to 5 s) for the count to settle.
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            int count = threads.getThreadCount();
            for (int i = 0; i < 10; i++) {
                Thread.sleep(500);
                int now = threads.getThreadCount();
                if (now == count) {
                    break;
                }
                count = now;
            }
            return new Sampled(count, usedHeapAfterGc(ManagementFactory.getMemoryMXBean()));
        }
    }

    /**
     * Holds {@code count} groups or leases on {@code store}, which the participant's {@code Baton} closes.
     *
     * @param before the JVM's threads and heap before the store was created
     * @param requests the backend's own request count, or null when every store call is one request
     * @param resetRequests zeroes {@code requests} at the start of the window
     */
    static Result run(String backend, CountingStore store, Holding holding, int count, Duration window,
            Duration leadAllBound, Sampled before, RequestCounter requests, Runnable resetRequests) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        ElectionSettings settings = ElectionSettings.DEFAULTS;
        try (Baton baton = Baton.builder().store(store).participant("scale").defaults(settings).build()) {
            long t0 = System.nanoTime();
            Supplier<Integer> held;
            if (holding == Holding.GROUPS) {
                List<LeaderElection> all = new ArrayList<>(count);
                for (int i = 0; i < count; i++) {
                    all.add(baton.election("g" + i));
                }
                held = () -> (int) all.stream().filter(LeaderElection::isLeader).count();
                try {
                    Poll.until("all " + count + " groups lead", () -> held.get() == count, leadAllBound);
                } catch (IllegalStateException notAll) {
                    return notReached(backend, holding, count, held.get(), store, t0, threads, memory, before);
                }
            } else {
                List<HeldLease> all = new ArrayList<>(count);
                long bound = t0 + leadAllBound.toNanos();
                for (int i = 0; i < count && System.nanoTime() - bound < 0; i++) {
                    String name = "l" + i;
                    // A lost race or a slow first answer is retried, as a careful caller would.
                    Optional<HeldLease> lease = Optional.empty();
                    while (lease.isEmpty() && System.nanoTime() - bound < 0) {
                        lease = baton.leases().tryAcquire(name, settings.ttl());
                    }
                    lease.ifPresent(all::add);
                }
                held = () -> (int) all.stream().filter(HeldLease::isValid).count();
                if (all.size() < count) {
                    return notReached(backend, holding, count, held.get(), store, t0, threads, memory, before);
                }
            }
            double acquireAll = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(settings.renewInterval().toMillis()); // into the steady state
            store.reset();
            resetRequests.run();
            long w0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            double seconds = (System.nanoTime() - w0) / 1e9;
            long calls = store.total();
            long sent = requests != null ? requests.sum() : calls;
            long renewedLeases = store.renews.sum() + store.batchedLeases.sum();
            long batches = store.batches.sum();
            int threadCount = threads.getThreadCount() - before.threads();
            long heap = usedHeapAfterGc(memory) - before.heap();
            if (held.get() != count) {
                throw new IllegalStateException(backend + ": some " + holding.label
                        + " were lost during the scale run");
            }
            return new Result(backend, holding, count, count, store.renewBatchLimit(), acquireAll, calls / seconds,
                    renewedLeases / seconds, batches / seconds, sent / seconds, threadCount, heap / 1e6);
        }
    }

    private static Result notReached(String backend, Holding holding, int count, int held, CountingStore store,
            long t0, ThreadMXBean threads, MemoryMXBean memory, Sampled before) throws InterruptedException {
        return new Result(backend, holding, count, held, store.renewBatchLimit(), (System.nanoTime() - t0) / 1e9,
                Double.NaN, Double.NaN, Double.NaN, Double.NaN, threads.getThreadCount() - before.threads(),
                (usedHeapAfterGc(memory) - before.heap()) / 1e6);
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
