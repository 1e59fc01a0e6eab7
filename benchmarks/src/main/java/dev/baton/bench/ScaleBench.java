package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.etcd.EtcdLeaseStore;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import io.etcd.jetcd.Client;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One participant holding 1,000 groups with the default timing (ttl 15 s, renew 5 s): time to lead them all, store
 * calls per second in steady state (counted by a decorator, a batch counting once), the backend requests behind them
 * (one per call, except on etcd, where a gRPC interceptor counts what the client really sends, and on Azure Blob,
 * where an HTTP pipeline policy counts the SDK's requests), threads added by Baton, and heap retained (after GC) by
 * Baton and the store client.
 */
final class ScaleBench {
    /**
     * One backend's figures.
     *
     * @param led how many groups led at the end of the wait: {@code groups} unless not all of them came to lead
     *     within the bound, and then the steady-state rates are NaN (not measured)
     */
    record Result(String backend, int groups, int led, int batchLimit, double acquireAllSeconds,
            double callsPerSecond, double leasesRenewedPerSecond, double batchesPerSecond, double requestsPerSecond,
            int threads, double heapMb) {

        /** @return true when every group led, so the steady state was measured */
        boolean allLed() {
            return led == groups;
        }
    }

    private ScaleBench() {}

    /**
     * @param leadAllBound how long the groups may take to all lead; a backend that does not get there is reported
     *     with how many led, not as a failure: that is its result
     */
    static Result run(BackendUnderTest b, int groups, Duration window, Duration leadAllBound) throws Exception {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long heapBefore = usedHeapAfterGc(memory);
        int threadsBefore = threads.getThreadCount();
        ElectionSettings settings = ElectionSettings.DEFAULTS;
        GrpcRequestCounter grpc = new GrpcRequestCounter();
        Client etcdClient = b.name.equals("etcd")
                ? Client.builder().endpoints(b.config().get("baton.etcd.endpoints")).interceptor(grpc).build()
                : null;
        HttpRequestCounter http = new HttpRequestCounter();
        boolean azure = b.name.equals("azure-blob");
        LeaseStore backend = etcdClient != null
                ? EtcdLeaseStore.create(etcdClient, "/baton-scale/", settings.ttl().dividedBy(5))
                : azure ? CountedAzureBlobStore.create(b.config(), settings.ttl(), http) : b.newStore(settings.ttl());
        CountingStore store = new CountingStore(backend);
        try (etcdClient; Baton baton = Baton.builder().store(store).participant("scale").defaults(settings).build()) {
            long t0 = System.nanoTime();
            List<LeaderElection> all = new ArrayList<>(groups);
            for (int i = 0; i < groups; i++) {
                all.add(baton.election("g" + i));
            }
            try {
                Poll.until("all " + groups + " groups lead", () -> all.stream().allMatch(LeaderElection::isLeader),
                        leadAllBound);
            } catch (IllegalStateException notAll) {
                int led = (int) all.stream().filter(LeaderElection::isLeader).count();
                return new Result(b.name, groups, led, store.renewBatchLimit(), (System.nanoTime() - t0) / 1e9,
                        Double.NaN, Double.NaN, Double.NaN, Double.NaN, threads.getThreadCount() - threadsBefore,
                        (usedHeapAfterGc(memory) - heapBefore) / 1e6);
            }
            double acquireAll = (System.nanoTime() - t0) / 1e9;
            Thread.sleep(settings.renewInterval().toMillis()); // into the steady state
            store.reset();
            grpc.reset();
            http.reset();
            long w0 = System.nanoTime();
            Thread.sleep(window.toMillis());
            double seconds = (System.nanoTime() - w0) / 1e9;
            long calls = store.total();
            long requests = etcdClient != null ? grpc.sum() : azure ? http.sum() : calls;
            long renewedLeases = store.renews.sum() + store.batchedLeases.sum();
            long batches = store.batches.sum();
            int threadCount = threads.getThreadCount() - threadsBefore;
            long heap = usedHeapAfterGc(memory) - heapBefore;
            if (!all.stream().allMatch(LeaderElection::isLeader)) {
                throw new IllegalStateException(b.name + ": some groups lost leadership during the scale run");
            }
            return new Result(b.name, groups, groups, store.renewBatchLimit(), acquireAll, calls / seconds,
                    renewedLeases / seconds, batches / seconds, requests / seconds, threadCount, heap / 1e6);
        }
    }

    private static long usedHeapAfterGc(MemoryMXBean memory) throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
