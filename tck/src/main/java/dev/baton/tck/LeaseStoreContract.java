package dev.baton.tck;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.spi.HolderIds;
import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.PatientStore;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingSupplier;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The {@link LeaseStore} contract, checked one operation at a time against a real backend. A backend's test
 * extends it and says how to open a client:
 *
 * <pre>{@code
 * class RedisLeaseStoreContractIT extends LeaseStoreContract {
 *     @RegisterExtension static RedisServer server = new RedisServer();
 *     @Override protected LeaseStore newStore() { return RedisLeaseStore.builder().uri(server.uri()).build(); }
 *     @Override protected boolean supportsWatch() { return true; }
 * }
 * }</pre>
 *
 * <p>Every test uses fresh lease names with a random part, so suites may share one server and may run again
 * against a server that already holds leases. A few tests use bare special names ({@code ..}, {@code *}) briefly
 * and release them. Every client the kit opens through {@link #newStore()} is closed after the test. Waits on
 * expiry poll with a deadline scaled by {@link Timing} ({@code -Dbaton.test.timing-multiple=2} on slow machines).
 */
public abstract class LeaseStoreContract {

    /** A ttl long enough that no lease expires during a test that does not wait for expiry. */
    protected static final Duration LONG_TTL = Duration.ofSeconds(30);

    private final List<LeaseStore> opened = new CopyOnWriteArrayList<>();
    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private int nameCount;

    /** The first client, opened before each test. */
    protected LeaseStore store;

    /** A second, independent client, opened before each test (another participant). */
    protected LeaseStore other;

    /**
     * A new, independent client of the backend under test (like another process). The kit closes it.
     *
     * @return a new store client
     */
    protected abstract LeaseStore newStore();

    /** @return whether this backend notifies releases through {@link LeaseStore#watch} */
    protected abstract boolean supportsWatch();

    /** @return the shortest ttl the backend handles precisely; expiry tests use it. Default 1 s. */
    protected Duration shortTtl() {
        return Duration.ofSeconds(1);
    }

    /**
     * @return a secret (a password) configured in the clients {@link #newStore()} returns, which
     *     {@link LeaseStore#describe()} must not reveal; empty (the default) when the backend has none
     */
    protected Optional<String> secret() {
        return Optional.empty();
    }

    @BeforeEach
    void openClients() {
        store = open();
        other = open();
    }

    @AfterEach
    void closeClients() {
        List<RuntimeException> failures = new ArrayList<>();
        for (LeaseStore s : opened) {
            try {
                s.close();
            } catch (RuntimeException e) {
                failures.add(e);
            }
        }
        opened.clear();
        if (!failures.isEmpty()) {
            AssertionError error = new AssertionError("closing a store client failed (close must be idempotent)");
            failures.forEach(error::addSuppressed);
            throw error;
        }
    }

    /** @return a new client from {@link #newStore()}, closed by the kit after the test */
    protected final LeaseStore open() {
        LeaseStore s = newStore();
        assertNotNull(s, "newStore() returned null");
        opened.add(s);
        return s;
    }

    /**
     * @param hint a readable part
     * @return a lease name no other test (and no other run) uses
     */
    protected final String uniqueName(String hint) {
        return "tck-" + hint + "-" + runId + "-" + (++nameCount);
    }

    /**
     * How far below the ttl a remaining time read just after a grant may be: the time the read took, and the
     * backend's precision (etcd counts whole seconds). Generous for a loaded machine, yet far below {@link #LONG_TTL}
     * so that a wrong unit or a lost ttl still fails.
     */
    private Duration tolerance() {
        Duration scaled = Timing.scaled(Duration.ofSeconds(5));
        return scaled.compareTo(LONG_TTL.dividedBy(3)) < 0 ? scaled : LONG_TTL.dividedBy(3);
    }

    /** The bound, before scaling, on waits for a short-ttl lease to expire: generous, it only costs on failure. */
    private Duration expiryWait() {
        return shortTtl().plus(Duration.ofSeconds(15));
    }

    private LeaseRecord acquire(LeaseStore s, String name, String holder, Duration ttl) {
        Optional<LeaseRecord> r = s.tryAcquire(name, holder, ttl);
        assertTrue(r.isPresent(), () -> "tryAcquire of free lease '" + name + "' returned empty");
        assertEquals(holder, r.get().holder(), () -> "holder of free lease '" + name + "' after tryAcquire");
        return r.get();
    }

    private void assertRemainingNear(Duration ttl, LeaseRecord r) {
        assertTrue(r.remaining().compareTo(ttl) <= 0, () -> "remaining " + r.remaining() + " exceeds the ttl " + ttl);
        assertTrue(r.remaining().compareTo(ttl.minus(tolerance())) >= 0,
                () -> "remaining " + r.remaining() + " is far below the ttl " + ttl + " just after the grant");
    }

    // ---- acquire -------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("tryAcquire")
    class Acquire {

        @Test
        @DisplayName("grants a free lease with a positive token and the requested ttl")
        void grantsFreeLease() {
            String name = uniqueName("free");
            LeaseRecord r = acquire(store, name, "a", LONG_TTL);
            assertAll(
                    () -> assertEquals(name, r.name(), "name"),
                    () -> assertTrue(r.heldBy("a"), "held by a"),
                    () -> assertTrue(r.token() > 0, () -> "token must be positive, got " + r.token()),
                    () -> assertRemainingNear(LONG_TTL, r));
        }

        @Test
        @DisplayName("refuses a second holder, who sees the holder, its token and the remaining time")
        void refusesSecondHolder() {
            String name = uniqueName("held");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            Optional<LeaseRecord> b = other.tryAcquire(name, "b", LONG_TTL);
            assertTrue(b.isPresent(), "a held lease is reported to the refused holder, not empty");
            assertAll(
                    () -> assertEquals("a", b.get().holder(), "holder seen by b"),
                    () -> assertEquals(a.token(), b.get().token(), "token seen by b"),
                    () -> assertFalse(b.get().remaining().isZero(), "remaining seen by b must be positive"),
                    () -> assertTrue(b.get().remaining().compareTo(LONG_TTL) <= 0, "remaining seen by b <= ttl"));
            assertEquals("a", store.read(name).orElseThrow().holder(), "the refused attempt left the lease to a");
        }

        @Test
        @DisplayName("without waiting (as elections acquire): a free lease is granted, at once or when asked again"
                + " soon, and a held one is refused at once with its holder")
        void acquiresWithoutWaiting() {
            String name = uniqueName("nowait");
            // Empty means "free, not grantable yet" (or a lost race): the engine asks again about every 20 ms.
            LeaseRecord a = Await.untilPresent("tryAcquireWithoutWaiting grants free lease '" + name + "'",
                    () -> store.tryAcquireWithoutWaiting(name, "a", LONG_TTL, Map.of()), expiryWait());
            assertEquals("a", a.holder(), "holder after tryAcquireWithoutWaiting of a free lease");
            assertTrue(a.token() > 0, () -> "token must be positive, got " + a.token());
            assertRemainingNear(LONG_TTL, a);
            Optional<LeaseRecord> b = other.tryAcquireWithoutWaiting(name, "b", LONG_TTL, Map.of());
            assertTrue(b.isPresent(), "a held lease is reported to the refused holder, not empty");
            assertEquals("a", b.get().holder(), "holder seen by b");
            assertEquals(a.token(), b.get().token(), "token seen by b");
            assertEquals(a.token(), other.read(name).orElseThrow().token(), "token seen by a read");
        }

        @Test
        @DisplayName("confirms a re-acquire by the same holder with the same token and a fresh ttl")
        void reacquireConfirms() {
            String name = uniqueName("again");
            LeaseRecord first = acquire(store, name, "a", shortTtl());
            LeaseRecord again = acquire(store, name, "a", LONG_TTL);
            assertEquals(first.token(), again.token(), "a confirmed grant keeps its token");
            assertRemainingNear(LONG_TTL, again);
            assertEquals(first.token(), other.read(name).orElseThrow().token(), "token seen by another client");
        }

        @Test
        @DisplayName("16 clients racing for one lease: exactly one wins and all others see that winner")
        void concurrentAcquire() throws Exception {
            String name = uniqueName("race");
            int n = 16;
            List<LeaseStore> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                LeaseStore client = open();
                clients.add(client);
                // Connect (and authenticate) before the race, one client at a time: sixteen first connections at
                // once (etcd's password check is deliberately slow) can outlast a call timeout on a loaded machine.
                new PatientStore(client, Duration.ofSeconds(60)).read(uniqueName("warm-up"));
            }
            ExecutorService pool = Executors.newFixedThreadPool(n);
            try {
                CountDownLatch ready = new CountDownLatch(n);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<LeaseRecord>> answers = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    LeaseStore client = clients.get(i);
                    String holder = "racer-" + i;
                    answers.add(pool.submit(() -> {
                        ready.countDown();
                        go.await();
                        // Empty means "free, but lost a race": callers retry, as the engine does. So is a call that
                        // got no answer in time: if it did reach the store, the retry is confirmed as its holder.
                        return Await.untilPresent(holder + " gets an answer other than empty", () -> {
                            try {
                                return client.tryAcquire(name, holder, LONG_TTL);
                            } catch (LeaseStoreException e) {
                                return Optional.empty();
                            }
                        }, Duration.ofSeconds(30));
                    }));
                }
                assertTrue(ready.await(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS));
                go.countDown();
                List<LeaseRecord> results = new ArrayList<>();
                for (Future<LeaseRecord> f : answers) {
                    results.add(f.get(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS));
                }
                List<String> winners = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    if (results.get(i).heldBy("racer-" + i)) {
                        winners.add("racer-" + i);
                    }
                }
                assertEquals(1, winners.size(), () -> "winners: " + winners + ", answers: " + results);
                LeaseRecord won = results.stream().filter(r -> r.heldBy(winners.get(0))).findFirst().orElseThrow();
                for (LeaseRecord r : results) {
                    assertEquals(winners.get(0), r.holder(), () -> "every racer sees the winner; answers: " + results);
                    assertEquals(won.token(), r.token(), () -> "every racer sees the winner's token: " + results);
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    // ---- renew ---------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("renew")
    class Renew {

        @Test
        @DisplayName("by the holder extends the lease to the new ttl and keeps the token")
        void holderRenews() {
            String name = uniqueName("renew");
            LeaseRecord a = acquire(store, name, "a", shortTtl());
            Optional<LeaseRecord> renewed = store.renew(name, "a", a.token(), LONG_TTL);
            assertTrue(renewed.isPresent(), "the holder's renewal was refused");
            assertEquals(a.token(), renewed.get().token(), "renewal keeps the token");
            assertEquals("a", renewed.get().holder());
            assertEquals(name, renewed.get().name());
            assertRemainingNear(LONG_TTL, renewed.get());
            assertRemainingNear(LONG_TTL, other.read(name).orElseThrow());
        }

        @Test
        @DisplayName("by another holder or with a wrong token is refused and leaves the lease as it was")
        void othersCannotRenew() {
            String name = uniqueName("renew-foreign");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            assertAll(
                    () -> assertEquals(Optional.empty(), other.renew(name, "b", a.token(), LONG_TTL), "other holder"),
                    () -> assertEquals(Optional.empty(), store.renew(name, "a", a.token() + 1, LONG_TTL), "token+1"),
                    () -> assertEquals(Optional.empty(), store.renew(name, "a", a.token() - 1, LONG_TTL), "token-1"),
                    () -> assertEquals(Optional.empty(), store.renew(uniqueName("never"), "a", a.token(), LONG_TTL),
                            "a lease never acquired"));
            LeaseRecord now = other.read(name).orElseThrow();
            assertEquals("a", now.holder());
            assertEquals(a.token(), now.token());
        }

        @Test
        @DisplayName("after expiry is refused")
        void expiredCannotBeRenewed() {
            String name = uniqueName("renew-expired");
            LeaseRecord a = acquire(store, name, "a", shortTtl());
            Await.until("lease '" + name + "' expires", () -> other.read(name).isEmpty(), expiryWait());
            assertEquals(Optional.empty(), store.renew(name, "a", a.token(), LONG_TTL));
        }

        @Test
        @DisplayName("renewAll answers each request in order, as renew would")
        void renewAllInOrder() {
            String n1 = uniqueName("batch-1");
            String n2 = uniqueName("batch-2");
            String n3 = uniqueName("batch-3");
            String n4 = uniqueName("batch-never");
            LeaseRecord a1 = acquire(store, n1, "a", shortTtl());
            LeaseRecord a2 = acquire(store, n2, "a", shortTtl());
            LeaseRecord b3 = acquire(other, n3, "b", LONG_TTL);
            List<Optional<LeaseRecord>> results = store.renewAll(List.of(
                    new RenewRequest(n1, "a", a1.token(), LONG_TTL),
                    new RenewRequest(n3, "a", b3.token(), LONG_TTL),
                    new RenewRequest(n2, "a", a2.token(), LONG_TTL),
                    new RenewRequest(n4, "a", 1, LONG_TTL),
                    new RenewRequest(n2, "a", a2.token() + 1, LONG_TTL)));
            assertEquals(5, results.size(), () -> "one result per request: " + results);
            assertAll(
                    () -> assertEquals(n1, results.get(0).orElseThrow().name()),
                    () -> assertEquals(a1.token(), results.get(0).orElseThrow().token()),
                    () -> assertRemainingNear(LONG_TTL, results.get(0).orElseThrow()),
                    () -> assertEquals(Optional.empty(), results.get(1), "foreign lease"),
                    () -> assertEquals(n2, results.get(2).orElseThrow().name()),
                    () -> assertEquals(a2.token(), results.get(2).orElseThrow().token()),
                    () -> assertEquals(Optional.empty(), results.get(3), "lease never acquired"),
                    () -> assertEquals(Optional.empty(), results.get(4), "wrong token"));
            assertEquals("b", other.read(n3).orElseThrow().holder(), "a refused batch item leaves the lease alone");
            assertEquals(List.of(), store.renewAll(List.of()), "an empty batch");
        }
    }

    // ---- release -------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("release")
    class Release {

        @Test
        @DisplayName("by the holder frees the lease at once for another holder")
        void holderReleases() {
            String name = uniqueName("release");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            assertTrue(store.release(name, "a", a.token()), "the holder's release was refused");
            assertEquals(Optional.empty(), other.read(name), "read after release");
            LeaseRecord b = acquire(other, name, "b", LONG_TTL);
            assertTrue(b.token() > a.token(), () -> "token after release " + b.token() + " must exceed " + a.token());
        }

        @Test
        @DisplayName("by a non-holder or with a wrong token returns false and leaves the lease")
        void othersCannotRelease() {
            String name = uniqueName("release-foreign");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            assertAll(
                    () -> assertFalse(other.release(name, "b", a.token()), "other holder"),
                    () -> assertFalse(store.release(name, "a", a.token() + 1), "token+1"),
                    () -> assertFalse(store.release(name, "a", a.token() - 1), "token-1"),
                    () -> assertFalse(store.release(uniqueName("never"), "a", 1), "a lease never acquired"));
            LeaseRecord now = other.read(name).orElseThrow();
            assertEquals("a", now.holder());
            assertEquals(a.token(), now.token());
        }

        @Test
        @DisplayName("twice returns false the second time")
        void releaseTwice() {
            String name = uniqueName("release-twice");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            assertTrue(store.release(name, "a", a.token()));
            assertFalse(store.release(name, "a", a.token()));
        }

        @Test
        @DisplayName("of an expired lease returns false")
        void expiredRelease() {
            String name = uniqueName("release-expired");
            LeaseRecord a = acquire(store, name, "a", shortTtl());
            Await.until("lease '" + name + "' expires", () -> other.read(name).isEmpty(), expiryWait());
            assertFalse(store.release(name, "a", a.token()));
        }

        @Test
        @DisplayName("of a lease that expired and was taken by another holder returns false and leaves it")
        void staleRelease() {
            String name = uniqueName("release-stale");
            LeaseRecord a = acquire(store, name, "a", shortTtl());
            LeaseRecord b = Await.untilPresent("b acquires '" + name + "' after expiry",
                    () -> other.tryAcquire(name, "b", LONG_TTL).filter(r -> r.heldBy("b")), expiryWait());
            assertFalse(store.release(name, "a", a.token()), "a stale holder's release");
            assertEquals(b.token(), store.read(name).orElseThrow().token());
        }
    }

    // ---- expiry and tokens ---------------------------------------------------------------------------------

    @Nested
    @DisplayName("expiry and fencing tokens")
    class ExpiryAndTokens {

        @Test
        @DisplayName("after expiry another holder acquires, not before the ttl, with a strictly greater token")
        void expiryHandsOver() {
            String name = uniqueName("expiry");
            long t0 = System.nanoTime();
            LeaseRecord a = acquire(store, name, "a", shortTtl());
            LeaseRecord b = Await.untilPresent("b acquires '" + name + "' after expiry",
                    () -> other.tryAcquire(name, "b", LONG_TTL).filter(r -> r.heldBy("b")), expiryWait());
            Duration waited = Duration.ofNanos(System.nanoTime() - t0);
            // The store's clock runs at the same rate as ours here; allow a little for rounding.
            Duration earliest = shortTtl().minus(shortTtl().dividedBy(20));
            assertTrue(waited.compareTo(earliest) >= 0,
                    () -> "the lease expired after " + waited.toMillis() + " ms, before its ttl " + shortTtl());
            assertTrue(b.token() > a.token(), () -> "token after expiry " + b.token() + " must exceed " + a.token());
        }

        @Test
        @DisplayName("tokens strictly increase across holders and after release and re-acquire")
        void tokensIncrease() {
            String name = uniqueName("tokens");
            long last = 0;
            List<Long> seen = new ArrayList<>();
            String[] holders = {"a", "b", "c", "a", "a", "b"};
            for (int i = 0; i < holders.length; i++) {
                LeaseStore client = i % 2 == 0 ? store : other;
                LeaseRecord r = acquire(client, name, holders[i], LONG_TTL);
                seen.add(r.token());
                long previous = last;
                assertTrue(r.token() > previous, () -> "tokens must strictly increase: " + seen);
                assertTrue(client.release(name, holders[i], r.token()));
                last = r.token();
            }
        }

        @Test
        @DisplayName("renewals and confirmations never change the token")
        void renewalsKeepToken() {
            String name = uniqueName("tokens-renew");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            for (int i = 0; i < 3; i++) {
                assertEquals(a.token(), store.renew(name, "a", a.token(), LONG_TTL).orElseThrow().token());
                assertEquals(a.token(), acquire(store, name, "a", LONG_TTL).token());
            }
            assertEquals(a.token(), other.read(name).orElseThrow().token());
        }
    }

    // ---- read ----------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("read")
    class Read {

        @Test
        @DisplayName("returns the holder and token of a held lease")
        void readsHeld() {
            String name = uniqueName("read");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            LeaseRecord seen = other.read(name).orElseThrow(() -> new AssertionError("read of a held lease is empty"));
            assertAll(
                    () -> assertEquals(name, seen.name()),
                    () -> assertEquals("a", seen.holder()),
                    () -> assertEquals(a.token(), seen.token()),
                    () -> assertRemainingNear(LONG_TTL, seen));
        }

        @Test
        @DisplayName("is empty for a lease never acquired, released or expired")
        void readsFree() {
            assertEquals(Optional.empty(), store.read(uniqueName("never")), "never acquired");
            String released = uniqueName("read-released");
            LeaseRecord r = acquire(store, released, "a", LONG_TTL);
            assertTrue(store.release(released, "a", r.token()));
            assertEquals(Optional.empty(), other.read(released), "released");
            String expiring = uniqueName("read-expired");
            acquire(store, expiring, "a", shortTtl());
            Await.until("lease '" + expiring + "' reads as free after expiry", () -> other.read(expiring).isEmpty(),
                    expiryWait());
        }

        @Test
        @DisplayName("reports a remaining time that decreases and stays within the ttl")
        void remainingDecreases() {
            String name = uniqueName("remaining");
            acquire(store, name, "a", LONG_TTL);
            Duration first = other.read(name).orElseThrow().remaining();
            assertTrue(first.compareTo(LONG_TTL) <= 0, () -> "remaining " + first + " exceeds the ttl " + LONG_TTL);
            Await.until("the remaining time of '" + name + "' decreases below " + first,
                    () -> other.read(name).orElseThrow().remaining().compareTo(first) < 0, Duration.ofSeconds(15));
        }
    }

    // ---- concurrency ---------------------------------------------------------------------------------------

    @Nested
    @DisplayName("under concurrency")
    class Concurrency {

        @Test
        @DisplayName("fuzz: threads x names x an unsynchronised counter guarded only by the lease stay exact")
        void fuzz() throws Exception {
            int threads = 8;
            int names = 3;
            int incrementsPerThread = 25;
            String[] leaseNames = new String[names];
            for (int k = 0; k < names; k++) {
                leaseNames[k] = uniqueName("fuzz-" + k);
            }
            // Plain arrays on purpose: only the lease keeps two threads from updating one slot at once.
            long[] counters = new long[names];
            long[] lastToken = new long[names];
            long[][] done = new long[threads][names];
            List<String> violations = new CopyOnWriteArrayList<>();
            List<LeaseStore> clients = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                LeaseStore client = open();
                clients.add(client);
                new PatientStore(client, Duration.ofSeconds(60)).read(uniqueName("warm-up")); // connect first
            }
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int me = t;
                    futures.add(pool.submit(() -> {
                        LeaseStore client = clients.get(me);
                        LeaseStore patient = new PatientStore(client, Duration.ofSeconds(60));
                        String holder = "fuzzer-" + me;
                        ThreadLocalRandom random = ThreadLocalRandom.current();
                        int succeeded = 0;
                        while (succeeded < incrementsPerThread) {
                            int k = random.nextInt(names);
                            Optional<LeaseRecord> r;
                            try {
                                r = client.tryAcquire(leaseNames[k], holder, LONG_TTL);
                            } catch (LeaseStoreException e) {
                                // No answer in time (a loaded machine). If the grant did land, this holder's next
                                // try of that name is confirmed it, with a token no one has counted yet.
                                r = Optional.empty();
                            }
                            if (r.isEmpty() || !r.get().heldBy(holder)) {
                                LockSupport.parkNanos(random.nextLong(TimeUnit.MILLISECONDS.toNanos(1)));
                                continue;
                            }
                            long token = r.get().token();
                            if (token <= lastToken[k]) {
                                violations.add(holder + " got token " + token + " after " + lastToken[k]);
                            }
                            lastToken[k] = token;
                            long value = counters[k];
                            Thread.yield(); // widen the window a second holder would need to corrupt the count
                            counters[k] = value + 1;
                            done[me][k]++;
                            succeeded++;
                            if (!patient.release(leaseNames[k], holder, token)) {
                                violations.add(holder + " could not release " + leaseNames[k] + " token " + token);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get(Timing.scaled(Duration.ofSeconds(60)).toMillis(), TimeUnit.MILLISECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(List.of(), violations);
            long total = 0;
            for (int k = 0; k < names; k++) {
                long expected = 0;
                for (int t = 0; t < threads; t++) {
                    expected += done[t][k];
                }
                total += expected;
                assertEquals(expected, counters[k], "increments of the counter guarded by " + leaseNames[k]);
            }
            assertEquals((long) threads * incrementsPerThread, total);
        }
    }

    // ---- watch ---------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("watch")
    class Watch {

        @Test
        @DisplayName("calls the watcher soon after the holder releases (when the backend notifies)")
        void notifiesRelease() throws Exception {
            assumeTrue(supportsWatch(), "this backend does not notify");
            String name = uniqueName("watch");
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            CountDownLatch changed = new CountDownLatch(1);
            // The watch is established when watch() returns: a release right after it must not be missed.
            Optional<AutoCloseable> handle = other.watch(name, changed::countDown);
            assertTrue(handle.isPresent(), "supportsWatch() is true but watch returned empty");
            try {
                assertTrue(store.release(name, "a", a.token()));
                Duration bound = Timing.scaled(Duration.ofSeconds(30));
                assertTrue(changed.await(bound.toMillis(), TimeUnit.MILLISECONDS),
                        () -> "the watcher was not called within " + bound.toMillis() + " ms of the release");
            } finally {
                handle.get().close();
            }
        }

        @Test
        @DisplayName("returns empty when the backend does not notify")
        void emptyWithoutSupport() {
            assumeFalse(supportsWatch(), "this backend notifies");
            assertEquals(Optional.empty(), store.watch(uniqueName("watch"), () -> { }));
        }
    }

    // ---- leader metadata -----------------------------------------------------------------------------------

    /** A map as the engine sends it: the participant's entries plus {@code baton.since}. */
    private static Map<String, String> withSince(Map<String, String> own) {
        Map<String, String> m = new LinkedHashMap<>(own);
        m.put(LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");
        return m;
    }

    /** Unicode, the characters of the encoded form itself, spaces and an empty value. */
    private static final Map<String, String> UNUSUAL = withSince(Map.of(
            "zone", "eu-west-ü-東京",
            "url", "http://a.example:8080/app?x=1&y=2",
            "note", "a&b=c%d+e f  g",
            "emoji", "🎉 \uD83C\uDF89",
            "empty", "",
            "lines", "tab\tand\nnewline"));

    @Nested
    @DisplayName("leader metadata (backends whose supportsMetadata() is true)")
    class Metadata {

        @BeforeEach
        void onlyWhereSupported() {
            assumeTrue(store.supportsMetadata(), "this backend does not store leader metadata yet");
        }

        private LeaseRecord acquireWith(LeaseStore s, String name, String holder, Duration ttl,
                Map<String, String> metadata) {
            Optional<LeaseRecord> r = s.tryAcquire(name, holder, ttl, metadata);
            assertTrue(r.isPresent(), () -> "tryAcquire of free lease '" + name + "' returned empty");
            assertEquals(holder, r.get().holder(), () -> "holder of free lease '" + name + "' after tryAcquire");
            return r.get();
        }

        @Test
        @DisplayName("unicode, '&=%+', spaces and empty values round-trip exactly through acquire, read, renew,"
                + " renewAll and a refused rival's answer")
        void roundTrip() {
            String name = uniqueName("meta");
            LeaseRecord a = acquireWith(store, name, "a", LONG_TTL, UNUSUAL);
            assertAll(
                    () -> assertEquals(UNUSUAL, a.metadata(), "acquire answer"),
                    () -> assertEquals(UNUSUAL, other.read(name).orElseThrow().metadata(), "read by another client"),
                    () -> assertEquals(UNUSUAL, store.renew(name, "a", a.token(), LONG_TTL).orElseThrow().metadata(),
                            "renew answer"),
                    () -> assertEquals(UNUSUAL, store.renewAll(List.of(new RenewRequest(name, "a", a.token(),
                            LONG_TTL))).get(0).orElseThrow().metadata(), "renewAll answer"),
                    () -> assertEquals(UNUSUAL, other.tryAcquire(name, "b", LONG_TTL, Map.of("url", "http://b"))
                            .orElseThrow().metadata(), "a refused rival sees the holder's metadata"),
                    () -> assertEquals(UNUSUAL, other.read(name).orElseThrow().metadata(),
                            "a refused rival wrote nothing"));
            assertEquals(UNUSUAL, other.read(name).orElseThrow().metadata(), "renewals keep the metadata");
        }

        @Test
        @DisplayName("the largest map (16 entries, 1024 bytes in UTF-8, plus Baton's baton.since) is kept exactly")
        void largest() {
            Map<String, String> own = new LinkedHashMap<>();
            // 16 keys of 3 bytes, then values of 3-byte characters and one 4-byte emoji to reach 1024 bytes exactly.
            int left = LeaderMetadata.MAX_TOTAL_BYTES - 16 * 3 - 4;
            for (int i = 0; i < 16; i++) {
                int chars = (left / 3) / (16 - i);
                own.put(String.format("k%02d", i), "名".repeat(chars));
                left -= chars * 3;
            }
            own.put("k15", own.get("k15") + "x".repeat(left) + "🎉");
            int bytes = own.entrySet().stream()
                    .mapToInt(e -> (e.getKey() + e.getValue()).getBytes(java.nio.charset.StandardCharsets.UTF_8).length)
                    .sum();
            assertEquals(LeaderMetadata.MAX_TOTAL_BYTES, bytes, "the test map is exactly at the limit");
            assertEquals(own, LeaderMetadata.requireValid(own), "the test map is valid");
            Map<String, String> sent = withSince(own);
            String name = uniqueName("meta-max");
            assertEquals(sent, acquireWith(store, name, "a", LONG_TTL, sent).metadata());
            assertEquals(sent, other.read(name).orElseThrow().metadata());
        }

        @Test
        @DisplayName("an empty map, and the three-argument tryAcquire, store none: every record reads empty")
        void empty() {
            String name = uniqueName("meta-empty");
            LeaseRecord a = acquireWith(store, name, "a", LONG_TTL, Map.of());
            assertEquals(Map.of(), a.metadata());
            assertEquals(Map.of(), other.read(name).orElseThrow().metadata());
            assertEquals(Map.of(), store.renew(name, "a", a.token(), LONG_TTL).orElseThrow().metadata());
            String plain = uniqueName("meta-plain");
            assertEquals(Map.of(), acquire(store, plain, "a", LONG_TTL).metadata());
            assertEquals(Map.of(), other.read(plain).orElseThrow().metadata());
        }

        @Test
        @DisplayName("a new holder's metadata replaces the old holder's (the old lease expired, never released)")
        void newHolderReplaces() {
            String name = uniqueName("meta-next");
            acquireWith(store, name, "a", shortTtl(), withSince(Map.of("url", "http://a", "zone", "a-zone")));
            Map<String, String> bMeta = withSince(Map.of("url", "http://b"));
            LeaseRecord b = Await.untilPresent("b acquires '" + name + "' after expiry",
                    () -> other.tryAcquire(name, "b", LONG_TTL, bMeta).filter(r -> r.heldBy("b")), expiryWait());
            assertEquals(bMeta, b.metadata(), "the grant's answer");
            assertEquals(bMeta, store.read(name).orElseThrow().metadata(), "nothing of a's metadata is left");
        }

        @Test
        @DisplayName("the holder's confirmation replaces its own metadata, keeping the token; an empty map clears it")
        void confirmationReplaces() {
            String name = uniqueName("meta-confirm");
            LeaseRecord first = acquireWith(store, name, "a", LONG_TTL, withSince(Map.of("version", "1")));
            Map<String, String> second = withSince(Map.of("version", "2", "url", "http://a"));
            LeaseRecord again = acquireWith(store, name, "a", LONG_TTL, second);
            assertEquals(first.token(), again.token());
            assertEquals(second, again.metadata());
            assertEquals(second, other.read(name).orElseThrow().metadata());
            assertEquals(Map.of(), acquireWith(store, name, "a", LONG_TTL, Map.of()).metadata());
            assertEquals(Map.of(), other.read(name).orElseThrow().metadata());
        }

        @Test
        @DisplayName("release removes it: the next holder, without metadata, reads empty")
        void releaseRemoves() {
            String name = uniqueName("meta-release");
            LeaseRecord a = acquireWith(store, name, "a", LONG_TTL, UNUSUAL);
            assertTrue(store.release(name, "a", a.token()));
            assertEquals(Optional.empty(), other.read(name));
            LeaseRecord b = acquire(other, name, "b", LONG_TTL);
            assertEquals(Map.of(), b.metadata());
            assertEquals(Map.of(), store.read(name).orElseThrow().metadata());
        }

        @Test
        @DisplayName("metadata breaking LeaderMetadata's rules is refused with IllegalArgumentException, nothing"
                + " written")
        void invalidRefused() {
            String name = uniqueName("meta-invalid");
            Map<String, String> nullValue = new java.util.HashMap<>();
            nullValue.put("url", null);
            Map<String, String> tooMany = new LinkedHashMap<>();
            for (int i = 0; i < LeaderMetadata.MAX_ENTRIES + 1; i++) {
                tooMany.put("k" + i, "v");
            }
            List<Executable> checks = new ArrayList<>();
            for (Map<String, String> bad : List.of(Map.of("URL", "x"), Map.of("url", "x".repeat(513)),
                    Map.of("url", "a\u0000b"), Map.of("url", "a\uD800"), nullValue, tooMany)) {
                checks.add(() -> assertThrows(IllegalArgumentException.class,
                        () -> store.tryAcquire(name, "a", LONG_TTL, bad), () -> "accepted " + bad.keySet()));
            }
            assertAll(checks);
            assertEquals(Optional.empty(), other.read(name), "a refused acquire wrote nothing");
        }
    }

    @Nested
    @DisplayName("without leader metadata (backends whose supportsMetadata() is false)")
    class WithoutMetadata {

        @Test
        @DisplayName("the 4-argument tryAcquire acquires with an empty map and refuses metadata it cannot keep")
        void unsupported() {
            assumeFalse(store.supportsMetadata(), "this backend stores leader metadata");
            String name = uniqueName("no-meta");
            LeaseRecord a = store.tryAcquire(name, "a", LONG_TTL, Map.of()).orElseThrow();
            assertEquals("a", a.holder());
            assertEquals(Map.of(), a.metadata());
            assertThrows(UnsupportedOperationException.class,
                    () -> other.tryAcquire(name, "b", LONG_TTL, Map.of("url", "http://b")));
        }
    }

    // ---- names ---------------------------------------------------------------------------------------------

    /** Names that break naive key building: paths, SQL, globs, encodings, case and whitespace. */
    static Stream<Arguments> unusualNames() {
        String id = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
        return Stream.of(
                Arguments.of(Named.of("spaces", "tck " + id + " with spaces")),
                Arguments.of(Named.of("slashes", "tck/" + id + "/a/b")),
                Arguments.of(Named.of("leading slash", "/tck/" + id)),
                Arguments.of(Named.of("trailing slash", "tck/" + id + "/")),
                Arguments.of(Named.of("double slash", "tck//" + id)),
                Arguments.of(Named.of("dot segments", "tck/" + id + "/../..")),
                Arguments.of(Named.of("single quotes", "tck'" + id + "'")),
                Arguments.of(Named.of("double quotes", "tck\"" + id + "\"")),
                Arguments.of(Named.of("SQL injection", "tck-" + id + "'; DROP TABLE x; --")),
                Arguments.of(Named.of("backslashes", "tck\\" + id + "\\")),
                Arguments.of(Named.of("LIKE wildcards", "tck%" + id + "_")),
                Arguments.of(Named.of("glob characters", "tck*" + id + "?[a]")),
                Arguments.of(Named.of("unicode", "tck-" + id + "-ünïcødé-名前-🎉")),
                Arguments.of(Named.of("newline and tab", "tck\n" + id + "\t")),
                Arguments.of(Named.of("control characters", "tck\u0001" + id + "\u007f")),
                Arguments.of(Named.of("colons and braces", "tck:{" + id + "}:$x#y")),
                Arguments.of(Named.of("percent-encoding", "tck%2F" + id + "%00")),
                Arguments.of(Named.of("trailing space", "tck-" + id + " ")),
                Arguments.of(Named.of("upper case", "TCK-" + id)));
    }

    @Nested
    @DisplayName("lease names")
    class Names {

        @ParameterizedTest(name = "{0}")
        @MethodSource("dev.baton.tck.LeaseStoreContract#unusualNames")
        @DisplayName("with unusual characters round-trip through acquire, read, renew and release")
        void roundTrip(String name) {
            LeaseRecord a = acquire(store, name, "a", LONG_TTL);
            assertEquals(name, a.name());
            LeaseRecord seen = other.read(name).orElseThrow(() -> new AssertionError("read is empty"));
            assertEquals(name, seen.name());
            assertEquals("a", seen.holder());
            assertEquals("a", other.tryAcquire(name, "b", LONG_TTL).orElseThrow().holder());
            assertEquals(a.token(), store.renew(name, "a", a.token(), LONG_TTL).orElseThrow().token());
            assertTrue(store.release(name, "a", a.token()));
            assertEquals(Optional.empty(), other.read(name));
        }

        @Test
        @DisplayName("that differ only in case, whitespace, encoding or a trailing slash do not collide")
        void noCollisions() {
            String id = uniqueName("c");
            List<String> names = List.of(id, id.toUpperCase(Locale.ROOT), id + " ", " " + id, id + "/", "/" + id,
                    id + "\n", id.replace('-', '_'), id.replace('-', '/'), id.replace("-", "%2F"),
                    id.replace("-", "%2f"), id.replace('-', ':'), id.replace('-', '.'), id + "*", id + "%", id + "_",
                    id + "\\", id + "\u0301", id + "é", id + "e\u0301");
            assertEquals(names.size(), names.stream().distinct().count(), "test names must differ");
            Map<String, LeaseRecord> granted = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                String holder = "holder-" + i;
                Optional<LeaseRecord> r = (i % 2 == 0 ? store : other).tryAcquire(name, holder, LONG_TTL);
                assertTrue(r.isPresent(), () -> "tryAcquire of " + quoted(name) + " returned empty");
                assertEquals(holder, r.get().holder(),
                        () -> quoted(name) + " collides with a name acquired before: " + granted.keySet());
                granted.put(name, r.get());
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                LeaseRecord seen = store.read(name).orElseThrow(() -> new AssertionError("read " + quoted(name)));
                assertEquals(name, seen.name(), "name read back");
                assertEquals("holder-" + i, seen.holder(), () -> "holder of " + quoted(name));
            }
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                assertTrue(store.release(name, "holder-" + i, granted.get(name).token()), () -> "release " + quoted(name));
            }
        }

        @Test
        @DisplayName("that are bare special strings ('.', '..', '/', '*', ...) work as whole names")
        void bareSpecialNames() {
            String holder = uniqueName("bare-holder");
            for (String name : List.of(".", "..", "/", "//", "*", "%", "_", "\\", "'", "\"", "?", "#", "~", "-")) {
                // A crashed earlier run may still hold it for up to one short ttl.
                LeaseRecord r = Await.untilPresent("holder acquires bare name " + quoted(name),
                        () -> store.tryAcquire(name, holder, shortTtl()).filter(x -> x.heldBy(holder)), expiryWait());
                assertEquals(name, r.name());
                assertEquals(holder, other.read(name).orElseThrow(() -> new AssertionError("read " + quoted(name)))
                        .holder());
                assertTrue(store.release(name, holder, r.token()), () -> "release " + quoted(name));
            }
        }

        @Test
        @DisplayName("of exactly LeaseNames.MAX_LENGTH characters round-trip and do not collide")
        void maxLength() {
            String prefix = uniqueName("max");
            String ascii = pad(prefix, 'x', LeaseNames.MAX_LENGTH);
            String asciiLastDiffers = ascii.substring(0, LeaseNames.MAX_LENGTH - 1) + "y";
            String cjk = pad(prefix, '名', LeaseNames.MAX_LENGTH);
            String emoji = pad(prefix, "🎉", LeaseNames.MAX_LENGTH);
            List<String> names = List.of(ascii, asciiLastDiffers, cjk, emoji);
            for (int i = 0; i < names.size(); i++) {
                String name = names.get(i);
                assertEquals(LeaseNames.MAX_LENGTH, name.length());
                LeaseRecord r = acquire(i % 2 == 0 ? store : other, name, "holder-" + i, LONG_TTL);
                assertEquals(name, r.name());
            }
            for (int i = 0; i < names.size(); i++) {
                LeaseRecord seen = store.read(names.get(i)).orElseThrow();
                assertEquals(names.get(i), seen.name());
                assertEquals("holder-" + i, seen.holder(), "names of maximum length collide (truncated?)");
            }
        }

        @Test
        @DisplayName("holder ids of HolderIds.MAX_LENGTH characters (ASCII, CJK, emoji) round-trip exactly, and ids"
                + " that differ only in their last character or in case are different holders")
        void maxLengthHolders() {
            String prefix = "holder-" + uniqueName("h");
            String ascii = pad(prefix, 'x', HolderIds.MAX_LENGTH);
            List<String> holders = List.of(ascii, pad(prefix, '名', HolderIds.MAX_LENGTH),
                    pad(prefix, "🎉", HolderIds.MAX_LENGTH));
            for (String holder : holders) {
                assertEquals(HolderIds.MAX_LENGTH, holder.length());
                assertEquals(null, HolderIds.problem(holder), holder);
                String name = uniqueName("holder");
                LeaseRecord r = acquire(store, name, holder, LONG_TTL);
                assertEquals(holder, r.holder());
                assertEquals(holder, other.read(name).orElseThrow().holder(), "another client reads the same id");
                // One character less, one changed, or another case: someone else, refused while the lease is held.
                String shorter = holder.substring(0, holder.offsetByCodePoints(holder.length(), -1));
                for (String rival : List.of(shorter, shorter + "y", holder.toUpperCase(java.util.Locale.ROOT))) {
                    if (rival.equals(holder)) {
                        continue;
                    }
                    Optional<LeaseRecord> answer = other.tryAcquire(name, rival, LONG_TTL);
                    assertTrue(answer.isEmpty() || answer.get().holder().equals(holder),
                            () -> "holder ids collide: a rival got " + answer);
                    assertTrue(other.renew(name, rival, r.token(), LONG_TTL).isEmpty(), "a rival id renewed");
                }
                assertEquals(holder, store.renew(name, holder, r.token(), LONG_TTL).orElseThrow().holder());
                assertTrue(store.release(name, holder, r.token()));
            }
        }

        @Test
        @DisplayName("that are blank, too long or not well-formed UTF-16 (an unpaired surrogate, which a UTF-8 store"
                + " would turn into '?') are rejected by every operation with IllegalArgumentException")
        void invalidNames() {
            String tooLong = pad(uniqueName("long"), 'x', LeaseNames.MAX_LENGTH + 1);
            String base = uniqueName("lone");
            List<Executable> checks = new ArrayList<>();
            for (String bad : java.util.Arrays.asList("", " ", "\t\n", tooLong, null, base + "\uD800",
                    base + "\uDFFF", "\uDC00" + base, base + "\uDFFF\uD800")) {
                String shown = bad == null ? "null" : quoted(bad.length() > 20 ? bad.substring(0, 20) + "..." : bad);
                checks.add(() -> assertThrows(IllegalArgumentException.class,
                        () -> store.tryAcquire(bad, "a", LONG_TTL), "tryAcquire " + shown));
                checks.add(() -> assertThrows(IllegalArgumentException.class,
                        () -> store.renew(bad, "a", 1, LONG_TTL), "renew " + shown));
                checks.add(() -> assertThrows(IllegalArgumentException.class,
                        () -> store.release(bad, "a", 1), "release " + shown));
                checks.add(() -> assertThrows(IllegalArgumentException.class, () -> store.read(bad), "read " + shown));
            }
            assertAll(checks);
        }
    }

    // ---- lifecycle -----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("lifecycle")
    class Lifecycle {

        @Test
        @DisplayName("after close every operation throws IllegalStateException saying the store is closed")
        void closedStoreRefuses() {
            String name = uniqueName("closed");
            LeaseStore s = open();
            LeaseRecord r = acquire(s, name, "a", LONG_TTL);
            s.close();
            s.close(); // idempotent
            Map<String, ThrowingSupplier<?>> ops = new LinkedHashMap<>();
            ops.put("tryAcquire", () -> s.tryAcquire(name, "a", LONG_TTL));
            ops.put("renew", () -> s.renew(name, "a", r.token(), LONG_TTL));
            ops.put("renewAll", () -> s.renewAll(List.of(new RenewRequest(name, "a", r.token(), LONG_TTL))));
            ops.put("release", () -> s.release(name, "a", r.token()));
            ops.put("read", () -> s.read(name));
            if (supportsWatch()) {
                ops.put("watch", () -> s.watch(name, () -> { }));
            }
            List<Executable> checks = new ArrayList<>();
            ops.forEach((op, call) -> checks.add(() -> {
                IllegalStateException e = assertThrows(IllegalStateException.class, call::get, op + " after close");
                assertTrue(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("closed"),
                        () -> op + " after close: the message should say the store is closed: " + e.getMessage());
            }));
            assertAll(checks);
        }

        @Test
        @DisplayName("describe() is one non-blank line without secrets, and maxCallTime() is not negative")
        void describesItself() {
            String d = store.describe();
            assertNotNull(d, "describe()");
            assertFalse(d.isBlank(), "describe() is blank");
            assertFalse(d.contains("\n"), () -> "describe() spans lines: " + d);
            secret().ifPresent(secret -> assertFalse(d.contains(secret), "describe() reveals the secret"));
            assertFalse(d.matches("(?is).*(password|passwd|pwd|secret)\\s*[=:]\\s*[^\\s,;*]+.*"),
                    () -> "describe() looks like it reveals a password: " + d);
            assertFalse(d.matches("(?s).*://[^/@\\s]+:[^/@\\s*]+@.*"),
                    () -> "describe() contains user:password@ in a URI: " + d);
            Duration max = store.maxCallTime();
            assertNotNull(max, "maxCallTime()");
            assertFalse(max.isNegative(), () -> "maxCallTime() is negative: " + max);
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static String pad(String prefix, char c, int length) {
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() < length) {
            b.append(c);
        }
        return b.substring(0, length);
    }

    private static String pad(String prefix, String unit, int length) {
        StringBuilder b = new StringBuilder(prefix);
        while (b.length() + unit.length() <= length) {
            b.append(unit);
        }
        while (b.length() < length) {
            b.append('x');
        }
        return b.toString();
    }

    private static String quoted(String name) {
        return "'" + name.replace("\n", "\\n").replace("\t", "\\t") + "'";
    }
}
