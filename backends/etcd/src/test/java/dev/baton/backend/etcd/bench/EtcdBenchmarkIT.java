package dev.baton.backend.etcd.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.etcd.EtcdCluster;
import dev.baton.backend.etcd.EtcdLeaseStoreFactory;
import dev.baton.backend.etcd.EtcdStores;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.MapStoreContext;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ForwardingClientCall;
import io.grpc.MethodDescriptor;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Figures for the etcd backend, printed to standard output. Runs only with {@code -Dbaton.bench=true}:
 *
 * <pre>
 * ./mvnw -B -f backends/etcd/pom.xml verify -Dbaton.bench=true -Dit.test=EtcdBenchmarkIT
 * </pre>
 *
 * <ol>
 *   <li>acquire and renew latency of the store next to the raw jetcd requests they are built from (the acquire
 *       transaction, a linearizable get);</li>
 *   <li>graceful handover: from the leader's {@code close()} to the follower's ACQUIRED event;</li>
 *   <li>etcd requests per second to hold 1,000 groups (15 s ttl, 5 s renew interval), counted by a gRPC interceptor
 *       on the client, plus the cost of one {@code renewAll} of 1,000 leases.</li>
 * </ol>
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class EtcdBenchmarkIT {
    private static final int ROUNDS = 2000;
    private static final int WARMUP = 300;
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    @Test
    void acquireAndRenewLatencyNextToRawJetcd() throws Exception {
        Duration ttl = Duration.ofSeconds(15);
        try (Client client = etcd.client();
                LeaseStore store = EtcdStores.open(etcd.endpoints(), "/bench-latency/", ttl);
                LeaseStore other = EtcdStores.open(etcd.endpoints(), "/bench-latency/", ttl)) {
            KV kv = client.getKVClient();
            long lease = client.getLeaseClient().grant(15).get().getID();
            ByteSequence v = bytes("raw");
            long[] rawTxn = time(i -> {
                ByteSequence key = bytes("/bench-raw/k" + i);
                kv.txn().If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                        .Then(Op.put(key, v, PutOption.builder().withLeaseId(lease).build()),
                                Op.get(key, GetOption.DEFAULT))
                        .Else(Op.get(key, GetOption.DEFAULT)).commit().get();
            });
            ByteSequence one = bytes("/bench-raw/k1");
            long[] rawGet = time(i -> kv.get(one).get());
            long[] acquire = time(i -> store.tryAcquire("acq-" + i, "me", ttl).orElseThrow());
            LeaseRecord held = store.tryAcquire("renewed", "me", ttl).orElseThrow();
            long[] renew = time(i -> store.renew("renewed", "me", held.token(), ttl).orElseThrow());
            long[] rawKeepAlive = time(i -> client.getLeaseClient().keepAliveOnce(lease).get());
            long[] followerAcquire = time(i -> other.tryAcquire("renewed", "other", ttl).orElseThrow());
            System.out.println("== etcd backend latency (" + ROUNDS + " sequential calls after " + WARMUP
                    + " warm-up, one etcd 3.4 member on loopback) ==");
            print("raw jetcd acquire txn (put-if-absent + get)", rawTxn);
            print("store.tryAcquire (free lease)", acquire);
            print("store.tryAcquire (held by another: txn + TimeToLive)", followerAcquire);
            print("raw jetcd linearizable get", rawGet);
            print("raw jetcd keepAliveOnce", rawKeepAlive);
            print("store.renew (watch-verified; keep-alive <= 4 per ttl)", renew);
        }
    }

    @Test
    void gracefulHandoverLatency() throws Exception {
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(15), Duration.ofSeconds(5));
        int rounds = 20;
        long[] took = new long[rounds];
        Baton current = baton("p0", settings);
        LeaderElection ce = current.election("handover");
        Await.until("p0 leads", ce::isLeader, Duration.ofSeconds(10));
        for (int r = 0; r < rounds; r++) {
            Baton next = baton("p" + (r + 1), settings);
            CountDownLatch acquired = new CountDownLatch(1);
            next.onChange(e -> {
                if (e.acquired()) {
                    acquired.countDown();
                }
            });
            LeaderElection ne = next.election("handover");
            String leaderId = "p" + r;
            Await.until("the new participant follows " + leaderId,
                    () -> ne.leader().filter(leaderId::equals).isPresent(), Duration.ofSeconds(10));
            long t0 = System.nanoTime();
            current.close();
            assertTrue(acquired.await(10, TimeUnit.SECONDS), "no handover");
            took[r] = System.nanoTime() - t0;
            current = next;
        }
        current.close();
        System.out.println("== graceful handover (leader close() -> follower ACQUIRED event), ttl 15 s ==");
        print("handover", took);
    }

    @Test
    void requestsPerSecondToHoldAThousandGroups() throws Exception {
        RequestCounter counter = new RequestCounter();
        ElectionSettings settings = ElectionSettings.DEFAULTS;
        int groups = 1000;
        try (Client client = Client.builder().endpoints(etcd.endpoints().split(",")).interceptor(counter).build()) {
            LeaseStore store = new EtcdLeaseStoreFactory().create(new MapStoreContext()
                    .with(EtcdLeaseStoreFactory.KEY_PREFIX, "/bench-scale/").client(Client.class, client)
                    .shortestTtl(settings.ttl()));
            try (Baton baton = Baton.builder().store(store).participant("holder").defaults(settings)
                    .schedulerThreads(2).closeStore(true).build()) {
                List<LeaderElection> elections = new ArrayList<>();
                for (int i = 0; i < groups; i++) {
                    elections.add(baton.election("g-" + i));
                }
                Await.until("all " + groups + " groups lead",
                        () -> elections.stream().allMatch(LeaderElection::isLeader), Duration.ofSeconds(60));
                // Let the acquisition burst pass, then count over three renew intervals.
                Thread.sleep(settings.renewInterval().toMillis());
                counter.reset();
                Duration window = settings.renewInterval().multipliedBy(3);
                Thread.sleep(window.toMillis());
                Map<String, Long> counts = counter.snapshot();
                long total = counts.values().stream().mapToLong(Long::longValue).sum();
                assertTrue(elections.stream().allMatch(LeaderElection::isLeader), "a group was lost");
                System.out.println("== etcd requests to hold " + groups + " groups (ttl " + settings.ttl().toSeconds()
                        + " s, renew every " + settings.renewInterval().toSeconds() + " s), engine renewing per group ==");
                System.out.printf("total %d requests in %d s = %.1f requests/s; by method %s%n", total,
                        window.toSeconds(), total / (double) window.toSeconds(), counts);

                List<RenewRequest> batch = new ArrayList<>();
                for (int i = 0; i < groups; i++) {
                    long token = elections.get(i).fencingToken().orElseThrow();
                    batch.add(new RenewRequest("g-" + i, "holder", token, settings.ttl()));
                }
                counter.reset();
                long t0 = System.nanoTime();
                List<?> results = store.renewAll(batch);
                long micros = (System.nanoTime() - t0) / 1000;
                assertEquals(groups, results.size());
                System.out.printf("one renewAll of %d leases: %s requests, %d us%n", groups, counter.snapshot(), micros);
            }
        }
    }

    private static Baton baton(String id, ElectionSettings settings) {
        return Baton.builder().store(EtcdStores.open(etcd.endpoints(), "/bench-handover/", settings.ttl()))
                .participant(id).defaults(settings).build();
    }

    /** Counts messages sent per gRPC method (a unary call is one, each keep-alive on a stream is one). */
    static final class RequestCounter implements ClientInterceptor {
        private final Map<String, LongAdder> counts = new ConcurrentHashMap<>();

        @Override
        public <Q, A> ClientCall<Q, A> interceptCall(MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
            LongAdder adder = counts.computeIfAbsent(method.getBareMethodName(), m -> new LongAdder());
            return new ForwardingClientCall.SimpleForwardingClientCall<>(next.newCall(method, options)) {
                @Override
                public void sendMessage(Q message) {
                    adder.increment();
                    super.sendMessage(message);
                }
            };
        }

        void reset() {
            counts.values().forEach(LongAdder::reset);
        }

        Map<String, Long> snapshot() {
            Map<String, Long> out = new TreeMap<>();
            counts.forEach((k, v) -> {
                if (v.sum() > 0) {
                    out.put(k, v.sum());
                }
            });
            return out;
        }
    }

    @FunctionalInterface
    interface Call {
        void run(int i) throws Exception;
    }

    private static long[] time(Call call) throws Exception {
        for (int i = 0; i < WARMUP; i++) {
            call.run(-1 - i);
        }
        long[] nanos = new long[ROUNDS];
        for (int i = 0; i < ROUNDS; i++) {
            long t0 = System.nanoTime();
            call.run(i);
            nanos[i] = System.nanoTime() - t0;
        }
        return nanos;
    }

    private static void print(String what, long[] nanos) {
        long[] sorted = nanos.clone();
        Arrays.sort(sorted);
        System.out.printf("%-55s p50 %7.2f ms  p90 %7.2f ms  p99 %7.2f ms  (n=%d)%n", what,
                sorted[sorted.length / 2] / 1e6, sorted[(int) (sorted.length * 0.9)] / 1e6,
                sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6, sorted.length);
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
