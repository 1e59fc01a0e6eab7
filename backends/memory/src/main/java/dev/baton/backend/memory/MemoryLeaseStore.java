package dev.baton.backend.memory;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseNames;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * Leases in this JVM's memory. Correct within one JVM: every store of the same namespace sees the same leases, so
 * several participants (or several CDI containers) in one process compete through it. Nothing survives the JVM and
 * nothing is shared with other processes: use it for tests, demos and single-process applications.
 *
 * <p>Expiry uses the namespace's own monotonic clock; watches notify on release and on a change of holder. Leader
 * metadata is kept with the holder in the same entry, replaced by each grant or confirmation, kept by renewals and
 * dropped on release.
 */
public final class MemoryLeaseStore implements LeaseStore {
    private static final int BATCH_LIMIT = 256;

    private final MemoryNamespace ns;
    private volatile boolean closed;

    private MemoryLeaseStore(MemoryNamespace ns) {
        this.ns = ns;
    }

    /**
     * @param namespace the namespace; every store created with the same name in this JVM shares its leases
     * @return a store on the JVM-wide namespace of that name
     */
    public static MemoryLeaseStore shared(String namespace) {
        return new MemoryLeaseStore(MemoryNamespace.shared(namespace));
    }

    /**
     * A group of stores sharing one private namespace whose expiry follows {@code clock}, for deterministic tests.
     *
     * @param clock the store's clock in nanoseconds (for example {@code ManualScheduler::nanoTime})
     * @return a factory of stores on one new namespace
     */
    public static Cluster isolated(LongSupplier clock) {
        MemoryNamespace ns = MemoryNamespace.isolated("isolated", Objects.requireNonNull(clock, "clock"));
        return () -> new MemoryLeaseStore(ns);
    }

    /** Creates stores on one shared private namespace: one store per simulated participant. */
    @FunctionalInterface
    public interface Cluster {
        /** @return a new store (a new "client") on the shared namespace */
        MemoryLeaseStore newStore();
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the memory lease store of namespace '" + ns.name + "' is closed");
        }
    }

    private static void checkTtl(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
    }

    private MemoryNamespace.Entry live(String name, long now) {
        MemoryNamespace.Entry e = ns.leases.get(name);
        if (e != null && now - e.expiresAtNanos() >= 0) {
            ns.leases.remove(name);
            return null;
        }
        return e;
    }

    private static LeaseRecord record(String name, MemoryNamespace.Entry e, long now) {
        return new LeaseRecord(name, e.holder(), e.token(), Duration.ofNanos(Math.max(0, e.expiresAtNanos() - now)),
                e.metadata());
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return tryAcquire(name, holder, ttl, Map.of());
    }

    /** @return true: metadata is kept in memory with the holder */
    @Override
    public boolean supportsMetadata() {
        return true;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        LeaseNames.requireValid(name);
        Objects.requireNonNull(holder, "holder");
        checkTtl(ttl);
        Map<String, String> kept = Map.copyOf(LeaderMetadata.requireStorable(metadata));
        checkOpen();
        boolean changedHands;
        LeaseRecord result;
        synchronized (ns) {
            long now = ns.clock.getAsLong();
            MemoryNamespace.Entry e = live(name, now);
            if (e != null && !e.holder().equals(holder)) {
                return Optional.of(record(name, e, now));
            }
            long token = e != null ? e.token() : ns.lastTokens.merge(name, 1L, Long::sum);
            changedHands = e == null;
            MemoryNamespace.Entry granted = new MemoryNamespace.Entry(holder, token, now + ttl.toNanos(), kept);
            ns.leases.put(name, granted);
            result = record(name, granted, now);
        }
        if (changedHands) {
            ns.notifyWatchers(name);
        }
        return Optional.of(result);
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        LeaseNames.requireValid(name);
        checkTtl(ttl);
        checkOpen();
        synchronized (ns) {
            long now = ns.clock.getAsLong();
            MemoryNamespace.Entry e = live(name, now);
            if (e == null || !e.holder().equals(holder) || e.token() != token) {
                return Optional.empty();
            }
            MemoryNamespace.Entry renewed = new MemoryNamespace.Entry(holder, token, now + ttl.toNanos(), e.metadata());
            ns.leases.put(name, renewed);
            return Optional.of(record(name, renewed, now));
        }
    }

    /** One atomic step for the whole batch, so the engine's batched renewals are exercised on this backend too. */
    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        checkOpen();
        List<Optional<LeaseRecord>> results = new ArrayList<>(requests.size());
        synchronized (ns) {
            for (RenewRequest r : requests) {
                results.add(renew(r.name(), r.holder(), r.token(), r.ttl()));
            }
        }
        return results;
    }

    @Override
    public int renewBatchLimit() {
        return BATCH_LIMIT;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        LeaseNames.requireValid(name);
        checkOpen();
        synchronized (ns) {
            MemoryNamespace.Entry e = live(name, ns.clock.getAsLong());
            if (e == null || !e.holder().equals(holder) || e.token() != token) {
                return false;
            }
            ns.leases.remove(name);
        }
        ns.notifyWatchers(name);
        return true;
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        LeaseNames.requireValid(name);
        checkOpen();
        synchronized (ns) {
            long now = ns.clock.getAsLong();
            return Optional.ofNullable(live(name, now)).map(e -> record(name, e, now));
        }
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        LeaseNames.requireValid(name);
        checkOpen();
        return Optional.of(ns.watch(name, onChange));
    }

    @Override
    public Duration maxCallTime() {
        return Duration.ZERO;
    }

    @Override
    public String describe() {
        return "memory (namespace '" + ns.name + "', this JVM only)";
    }

    @Override
    public void close() {
        closed = true;
    }
}
