package dev.baton.engine;

import dev.baton.observe.ElectionObserver;
import dev.baton.observe.StoreOperation;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The store as the engine uses it: every call timed and reported to the observers, on the calling thread. Two clock
 * reads per call, which costs nothing next to a round trip; guarded calls ({@code tryEnter}, {@code isLeader}) never
 * come here.
 */
final class ObservedStore implements LeaseStore {
    private final LeaseStore store;
    private final ElectionObserver observer;

    ObservedStore(LeaseStore store, ElectionObserver observer) {
        this.store = store;
        this.observer = observer;
    }

    private <T> T timed(String name, StoreOperation op, Supplier<T> call) {
        long t0 = System.nanoTime();
        T answer;
        try {
            answer = call.get();
        } catch (RuntimeException e) {
            observer.storeCall(name, op, System.nanoTime() - t0, e);
            throw e;
        }
        observer.storeCall(name, op, System.nanoTime() - t0, null);
        return answer;
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        return timed(name, StoreOperation.ACQUIRE, () -> store.tryAcquire(name, holder, ttl));
    }

    @Override
    public boolean supportsMetadata() {
        return store.supportsMetadata();
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        return timed(name, StoreOperation.ACQUIRE, () -> store.tryAcquire(name, holder, ttl, metadata));
    }

    @Override
    public Optional<LeaseRecord> tryAcquireWithoutWaiting(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        return timed(name, StoreOperation.ACQUIRE, () -> store.tryAcquireWithoutWaiting(name, holder, ttl, metadata));
    }

    /** Reported as an acquire when it grants; a decline is no store call (nothing was asked of the backend). */
    @Override
    public Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        long t0 = System.nanoTime();
        Optional<LeaseRecord> taken = store.takeHandedOver(name, holder, ttl, metadata);
        if (taken.isPresent()) {
            observer.storeCall(name, StoreOperation.ACQUIRE, System.nanoTime() - t0, null);
        }
        return taken;
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        return timed(name, StoreOperation.RENEW, () -> store.renew(name, holder, token, ttl));
    }

    @Override
    public int renewBatchLimit() {
        return store.renewBatchLimit();
    }

    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        long t0 = System.nanoTime();
        List<Optional<LeaseRecord>> answers;
        try {
            answers = store.renewAll(requests);
        } catch (RuntimeException e) {
            long nanos = System.nanoTime() - t0;
            requests.forEach(r -> observer.storeCall(r.name(), StoreOperation.RENEW, nanos, e));
            throw e;
        }
        long nanos = System.nanoTime() - t0;
        requests.forEach(r -> observer.storeCall(r.name(), StoreOperation.RENEW, nanos, null));
        return answers;
    }

    @Override
    public boolean release(String name, String holder, long token) {
        return timed(name, StoreOperation.RELEASE, () -> store.release(name, holder, token));
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        return timed(name, StoreOperation.READ, () -> store.read(name));
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        return store.watch(name, onChange);
    }

    @Override
    public Duration maxCallTime() {
        return store.maxCallTime();
    }

    @Override
    public String describe() {
        return store.describe();
    }

    @Override
    public void close() {
        store.close();
    }
}
