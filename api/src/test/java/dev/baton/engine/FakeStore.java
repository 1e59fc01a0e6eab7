package dev.baton.engine;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A hand-written, controllable store for engine tests: expiry follows the {@link ManualScheduler}'s clock, calls can
 * be made to fail, and every call is counted. Watch callbacks run synchronously (the engine only schedules a step).
 */
final class FakeStore implements LeaseStore {
    private record Entry(String holder, long token, long expiresAt, Map<String, String> metadata) {}

    private final ManualScheduler clock;
    private final Map<String, Entry> leases = new HashMap<>();
    private final Map<String, Long> lastToken = new HashMap<>();
    private final List<Runnable> watchers = new CopyOnWriteArrayList<>();
    final AtomicInteger acquires = new AtomicInteger();
    final AtomicInteger renewals = new AtomicInteger();
    final AtomicInteger releases = new AtomicInteger();
    volatile boolean failEverything;
    volatile boolean failRenewals;
    volatile boolean throwErrors;
    volatile boolean watchable = true;
    /** What {@link #supportsMetadata()} answers; when false, metadata given to an acquire is refused as the SPI says. */
    volatile boolean keepsMetadata = true;
    /** The metadata of every acquire, in order (empty maps included). */
    final List<Map<String, String>> acquiredWith = new CopyOnWriteArrayList<>();
    /** When set, grants last at most this long whatever ttl is asked (a ZooKeeper server clamping the session). */
    volatile Duration grantCap;
    /** What {@link #renewBatchLimit()} answers: 1 keeps the engine on single renewals. */
    volatile int batchLimit = 1;
    /** When set, every answer reports this remaining time whatever was granted: a store's answer can be anything. */
    volatile Duration reportedRemaining;
    /** When set, renewAll drops its last answer, as a broken backend might. */
    volatile boolean truncateBatches;
    /** Renewal requests: each renew call and each renewAll call counts one ({@link #renewals} counts leases). */
    final AtomicInteger renewRequests = new AtomicInteger();
    final AtomicInteger largestBatch = new AtomicInteger();

    FakeStore(ManualScheduler clock) {
        this.clock = clock;
    }

    /** The next grant of {@code name} gets token {@code last + 1} (a backend whose tokens are large numbers). */
    synchronized void tokensAfter(String name, long last) {
        lastToken.put(name, last);
    }

    /** When set, every call throws this very error (an {@link OutOfMemoryError} in a store, say). */
    volatile Error error;

    private void maybeFail(boolean renewal) {
        Error e = error;
        if (e != null) {
            throw e;
        }
        if (throwErrors) {
            throw new LinkageError("fake backend crashed the calling thread");
        }
        if (failEverything || (renewal && failRenewals)) {
            throw new LeaseStoreException("fake backend is down");
        }
    }

    private Entry live(String name) {
        Entry e = leases.get(name);
        if (e != null && clock.nanoTime() - e.expiresAt >= 0) {
            leases.remove(name);
            return null;
        }
        return e;
    }

    private LeaseRecord record(String name, Entry e) {
        Duration reported = reportedRemaining;
        return new LeaseRecord(name, e.holder, e.token,
                reported != null ? reported : Duration.ofNanos(e.expiresAt - clock.nanoTime()), e.metadata);
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    @Override
    public boolean supportsMetadata() {
        return keepsMetadata;
    }

    @Override
    public synchronized Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        if (!keepsMetadata && !metadata.isEmpty()) {
            throw new UnsupportedOperationException("fake store without metadata asked to store " + metadata);
        }
        acquires.incrementAndGet();
        acquiredWith.add(Map.copyOf(metadata));
        maybeFail(false);
        Entry e = live(name);
        if (e == null || e.holder.equals(holder)) {
            long token = e != null ? e.token : lastToken.merge(name, 1L, Long::sum);
            e = new Entry(holder, token, clock.nanoTime() + granted(ttl), Map.copyOf(metadata));
            leases.put(name, e);
        }
        return Optional.of(record(name, e));
    }

    /**
     * A free lease's grant is deferred this many times (answered empty, counted in {@link #deferred}) before
     * {@link #tryAcquireWithoutWaiting} grants it, as Azure Blob defers a new blob's first grant; {@link #tryAcquire}
     * never defers (that store waits inside the call).
     */
    volatile int deferGrants;
    final AtomicInteger deferred = new AtomicInteger();
    /** Calls of {@link #tryAcquireWithoutWaiting}; {@link #acquires} counts them too when they reach the lease. */
    final AtomicInteger acquiresWithoutWaiting = new AtomicInteger();

    /** When set, an election's acquire waits for this latch first (a slow backend), counted in {@link #stuck}. */
    volatile java.util.concurrent.CountDownLatch acquireGate;
    final AtomicInteger stuck = new AtomicInteger();

    @Override
    public Optional<LeaseRecord> tryAcquireWithoutWaiting(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        java.util.concurrent.CountDownLatch gate = acquireGate;
        if (gate != null) {
            stuck.incrementAndGet();
            try {
                pass(gate, "acquiring");
            } finally {
                stuck.decrementAndGet();
            }
        }
        synchronized (this) {
            acquiresWithoutWaiting.incrementAndGet();
            if (live(name) == null && deferred.get() < deferGrants) {
                deferred.incrementAndGet();
                return Optional.empty();
            }
            return tryAcquire(name, holder, ttl, metadata);
        }
    }

    @Override
    public synchronized Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        renewRequests.incrementAndGet();
        renewals.incrementAndGet();
        maybeFail(true);
        return renewOne(name, holder, token, ttl);
    }

    @Override
    public int renewBatchLimit() {
        return batchLimit;
    }

    @Override
    public synchronized List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        renewRequests.incrementAndGet();
        largestBatch.accumulateAndGet(requests.size(), Math::max);
        renewals.addAndGet(requests.size());
        maybeFail(true);
        List<Optional<LeaseRecord>> results = new ArrayList<>();
        for (RenewRequest r : requests) {
            results.add(renewOne(r.name(), r.holder(), r.token(), r.ttl()));
        }
        if (truncateBatches) {
            results.remove(results.size() - 1);
        }
        return results;
    }

    /** When set, every renewal takes this long on the manual clock before the store applies it (a slow call). */
    volatile Duration renewalTakes;

    private Optional<LeaseRecord> renewOne(String name, String holder, long token, Duration ttl) {
        Duration takes = renewalTakes;
        if (takes != null) {
            clock.jumpWithoutRunning(takes);
        }
        Entry e = live(name);
        if (e == null || !e.holder.equals(holder) || e.token != token) {
            return Optional.empty();
        }
        e = new Entry(holder, token, clock.nanoTime() + granted(ttl), e.metadata);
        leases.put(name, e);
        return Optional.of(record(name, e));
    }

    private long granted(Duration ttl) {
        Duration cap = grantCap;
        return cap == null ? ttl.toNanos() : Math.min(ttl.toNanos(), cap.toNanos());
    }

    /**
     * When set, a release hands the lease to this holder in the same call (a new token), as ZooKeeper's release
     * transaction does for a waiting candidate, and {@link #takeHandedOver} gives it to that holder once.
     */
    volatile String handsOverTo;
    /** The ttl of a handed-over grant (the candidate's, which ZooKeeper's candidacy node carries). */
    volatile Duration handOverTtl = Duration.ofSeconds(10);
    private final Map<String, String> handed = new HashMap<>();
    /** Grants taken by {@link #takeHandedOver}. */
    final AtomicInteger handedOver = new AtomicInteger();

    /** When set, {@link #takeHandedOver} throws it (a bug in a store's memory-only answer). */
    volatile RuntimeException takeFails;

    @Override
    public synchronized Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        RuntimeException fails = takeFails;
        if (fails != null) {
            throw fails;
        }
        Entry e = live(name);
        if (!holder.equals(handed.get(name)) || e == null || !e.holder.equals(holder)) {
            return Optional.empty();
        }
        handed.remove(name);
        handedOver.incrementAndGet();
        return Optional.of(record(name, e));
    }

    /** Waits for {@code gate} (a slow backend); an interrupt fails the call as a store would. */
    private static void pass(java.util.concurrent.CountDownLatch gate, String doing) {
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LeaseStoreException("interrupted while " + doing);
        }
    }

    /** When set, a release is counted, then waits for this latch before it reaches the store (a slow release). */
    volatile java.util.concurrent.CountDownLatch releaseGate;

    @Override
    public boolean release(String name, String holder, long token) {
        java.util.concurrent.CountDownLatch gate = releaseGate;
        if (gate != null) {
            releases.incrementAndGet();
            pass(gate, "releasing");
        }
        synchronized (this) {
            if (gate == null) {
                releases.incrementAndGet();
            }
            maybeFail(false);
            Entry e = live(name);
            if (e == null || !e.holder.equals(holder) || e.token != token) {
                return false;
            }
            leases.remove(name);
            String to = handsOverTo;
            if (to != null) {
                long next = lastToken.merge(name, 1L, Long::sum);
                leases.put(name, new Entry(to, next, clock.nanoTime() + granted(handOverTtl), Map.of()));
                handed.put(name, to);
            }
        }
        watchers.forEach(Runnable::run);
        return true;
    }

    /** Takes the lease away from its holder behind its back, as an operator or a bug elsewhere could. */
    synchronized void steal(String name, String thief, Duration ttl) {
        steal(name, thief, ttl, Map.of());
    }

    /** {@link #steal(String, String, Duration)} by a thief that stores metadata with its grant. */
    synchronized void steal(String name, String thief, Duration ttl, Map<String, String> metadata) {
        long token = lastToken.merge(name, 1L, Long::sum);
        leases.put(name, new Entry(thief, token, clock.nanoTime() + ttl.toNanos(), Map.copyOf(metadata)));
    }

    @Override
    public synchronized Optional<LeaseRecord> read(String name) {
        return Optional.ofNullable(live(name)).map(e -> record(name, e));
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        if (!watchable) {
            return Optional.empty();
        }
        watchers.add(onChange);
        return Optional.of(() -> watchers.remove(onChange));
    }

    @Override
    public Duration maxCallTime() {
        return Duration.ZERO;
    }

    @Override
    public String describe() {
        return "fake";
    }

    @Override
    public void close() {}
}
