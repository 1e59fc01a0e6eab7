package dev.baton.backend.redis.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.backend.redis.RedisLeaseStore;
import dev.baton.backend.redis.RedisServer;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Latency of the Redis backend next to the cheapest possible Redis lock, against a local redis-server:
 * <ul>
 *   <li>raw {@code SET key value NX PX ttl} round trip (Lettuce, synchronous), the floor;</li>
 *   <li>{@link LeaseStore#tryAcquire} of a free lease, {@link LeaseStore#renew}, {@link LeaseStore#read};</li>
 *   <li>{@link LeaseStore#renewAll} of 10 leases (pipelined) against 10 sequential renewals;</li>
 *   <li>graceful handover: store level (release → the follower's watch fires → its acquire returns) and engine
 *       level ({@code stepDown()} on the leader → the follower's {@code ACQUIRED} listener runs).</li>
 * </ul>
 * Run: {@code ./mvnw -f backends/redis/pom.xml verify -Dit.test=RedisBenchIT -Dbaton.bench=true}. Prints a table.
 */
@EnabledIfSystemProperty(named = "baton.bench", matches = "true")
class RedisBenchIT {
    private static final int WARMUP = 2_000;
    private static final int N = 10_000;
    private static final Duration TTL = Duration.ofSeconds(30);

    @Test
    void latencies() throws Exception {
        try (RedisServer server = RedisServer.appendOnly().start();
                LeaseStore store = RedisLeaseStore.builder().uri(server.uri()).build();
                LeaseStore follower = RedisLeaseStore.builder().uri(server.uri()).build()) {
            RedisClient raw = RedisClient.create(server.uri());
            List<String> rows = new ArrayList<>();
            try (StatefulRedisConnection<String, String> c = raw.connect()) {
                RedisCommands<String, String> sync = c.sync();
                int[] i = {0};
                rows.add(measure("raw SET NX PX (1 round trip)", () -> {
                    long t0 = System.nanoTime();
                    sync.set("raw:" + i[0]++, "holder", SetArgs.Builder.nx().px(TTL.toMillis()));
                    return System.nanoTime() - t0;
                }));
                rows.add(measure("raw PING", () -> {
                    long t0 = System.nanoTime();
                    sync.ping();
                    return System.nanoTime() - t0;
                }));
            } finally {
                raw.shutdown();
            }
            int[] k = {0};
            rows.add(measure("tryAcquire (free lease, grant)", () -> {
                long t0 = System.nanoTime();
                store.tryAcquire("acq-" + k[0]++, "a", TTL);
                return System.nanoTime() - t0;
            }));
            LeaseRecord held = store.tryAcquire("renewed", "a", TTL).orElseThrow();
            rows.add(measure("renew", () -> {
                long t0 = System.nanoTime();
                store.renew("renewed", "a", held.token(), TTL).orElseThrow();
                return System.nanoTime() - t0;
            }));
            rows.add(measure("tryAcquire (held by another)", () -> {
                long t0 = System.nanoTime();
                follower.tryAcquire("renewed", "b", TTL);
                return System.nanoTime() - t0;
            }));
            rows.add(measure("read", () -> {
                long t0 = System.nanoTime();
                store.read("renewed");
                return System.nanoTime() - t0;
            }));
            List<RenewRequest> ten = new ArrayList<>();
            for (int j = 0; j < 10; j++) {
                LeaseRecord r = store.tryAcquire("batch-" + j, "a", TTL).orElseThrow();
                ten.add(new RenewRequest(r.name(), "a", r.token(), TTL));
            }
            rows.add(measure("renewAll of 10 (pipelined)", () -> {
                long t0 = System.nanoTime();
                store.renewAll(ten);
                return System.nanoTime() - t0;
            }));
            rows.add(measure("10 sequential renews", () -> {
                long t0 = System.nanoTime();
                for (RenewRequest r : ten) {
                    store.renew(r.name(), r.holder(), r.token(), r.ttl());
                }
                return System.nanoTime() - t0;
            }));
            rows.add(storeHandover(store, follower));
            rows.add(engineHandover(server.uri()));
            System.out.println();
            System.out.println(String.format(Locale.ROOT, "%-36s %8s %8s %8s %8s %8s", "operation (µs)", "n",
                    "mean", "p50", "p90", "p99"));
            rows.forEach(System.out::println);
            System.out.println("machine: " + Runtime.getRuntime().availableProcessors() + " cores, Java "
                    + System.getProperty("java.version") + ", " + RedisServer.binary() + " on loopback");
        }
    }

    /** Release by the holder → the follower's watch fires → the follower's tryAcquire returns its grant. */
    private static String storeHandover(LeaseStore a, LeaseStore b) throws Exception {
        int rounds = 500;
        long[] samples = new long[rounds];
        LeaseStore[] s = {a, b};
        String[] ids = {"a", "b"};
        LeaseRecord current = a.tryAcquire("handover", "a", TTL).orElseThrow();
        for (int r = 0; r < rounds; r++) {
            LeaseStore holder = s[r % 2];
            LeaseStore next = s[(r + 1) % 2];
            String nextId = ids[(r + 1) % 2];
            CountDownLatch granted = new CountDownLatch(1);
            LeaseRecord[] got = new LeaseRecord[1];
            CountDownLatch subscribed = new CountDownLatch(1);
            AutoCloseable w = next.watch("handover", () -> {
                if (subscribed.getCount() > 0) {
                    subscribed.countDown(); // first wake: the subscription (re)established, or a release
                }
                next.tryAcquire("handover", nextId, TTL).filter(x -> x.holder().equals(nextId)).ifPresent(x -> {
                    got[0] = x;
                    granted.countDown();
                });
            }).orElseThrow();
            if (r < 2) {
                subscribed.await(5, TimeUnit.SECONDS);
            }
            long t0 = System.nanoTime();
            holder.release("handover", ids[r % 2], current.token());
            assertTrue(granted.await(5, TimeUnit.SECONDS), "handover " + r + " did not happen");
            samples[r] = System.nanoTime() - t0;
            w.close();
            current = got[0];
        }
        return row("handover: release → watch → acquire", Arrays.copyOfRange(samples, 10, rounds));
    }

    /** stepDown() on the leader → the follower's ACQUIRED listener runs (engine, pub/sub, event thread). */
    private static String engineHandover(String uri) throws Exception {
        // A long ttl (expiry can never be what hands over) and a short renew interval, which is also how long a
        // participant that stepped down sits out before competing again.
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(15), Duration.ofMillis(500));
        int rounds = 40;
        long[] samples = new long[rounds];
        try (Baton a = Baton.builder().participant("a").store(RedisLeaseStore.builder().uri(uri).build())
                        .defaults(settings).build();
                Baton b = Baton.builder().participant("b").store(RedisLeaseStore.builder().uri(uri).build())
                        .defaults(settings).build()) {
            LeaderElection ea = a.election("engine-handover");
            LeaderElection eb = b.election("engine-handover");
            assertTrue(ea.awaitLeadership(Duration.ofSeconds(10)) || eb.isLeader());
            for (int r = 0; r < rounds; r++) {
                LeaderElection leader = ea.isLeader() ? ea : eb;
                LeaderElection next = leader == ea ? eb : ea;
                CountDownLatch acquired = new CountDownLatch(1);
                var reg = next.onChange(e -> {
                    if (e.cause() == ChangeCause.ACQUIRED) {
                        acquired.countDown();
                    }
                });
                long t0 = System.nanoTime();
                leader.stepDown();
                assertTrue(acquired.await(10, TimeUnit.SECONDS), "engine handover " + r + " did not happen");
                samples[r] = System.nanoTime() - t0;
                reg.close();
                // Pacing, not synchronisation: let the stepped-down side sit out its renew interval and compete again.
                Thread.sleep(settings.renewInterval().toMillis() + 200);
            }
        }
        return row("handover: stepDown → ACQUIRED event", samples);
    }

    private static String measure(String what, LongSupplier op) {
        for (int i = 0; i < WARMUP; i++) {
            op.getAsLong();
        }
        long[] samples = new long[N];
        for (int i = 0; i < N; i++) {
            samples[i] = op.getAsLong();
        }
        return row(what, samples);
    }

    private static String row(String what, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0) / 1000.0;
        return String.format(Locale.ROOT, "%-36s %8d %8.0f %8.0f %8.0f %8.0f", what, s.length, mean,
                s[s.length / 2] / 1000.0, s[(int) (s.length * 0.9)] / 1000.0, s[(int) (s.length * 0.99)] / 1000.0);
    }
}
