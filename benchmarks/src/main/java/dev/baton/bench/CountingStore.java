package dev.baton.bench;

import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.RenewRequest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.LongAdder;

/** A {@link LeaseStore} decorator counting the calls Baton's engine makes, i.e. the requests the backend serves. */
final class CountingStore implements LeaseStore {
    private final LeaseStore delegate;
    final LongAdder acquires = new LongAdder();
    final LongAdder renews = new LongAdder();
    final LongAdder batches = new LongAdder();
    /** Leases renewed through renewAll (a batch of n adds n). */
    final LongAdder batchedLeases = new LongAdder();
    final LongAdder releases = new LongAdder();
    final LongAdder reads = new LongAdder();

    CountingStore(LeaseStore delegate) {
        this.delegate = delegate;
    }

    long total() {
        return acquires.sum() + renews.sum() + batches.sum() + releases.sum() + reads.sum();
    }

    void reset() {
        acquires.reset();
        renews.reset();
        batches.reset();
        batchedLeases.reset();
        releases.reset();
        reads.reset();
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
        acquires.increment();
        return delegate.tryAcquire(name, holder, ttl);
    }

    @Override
    public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl, Map<String, String> metadata) {
        acquires.increment();
        return delegate.tryAcquire(name, holder, ttl, metadata);
    }

    @Override
    public Optional<LeaseRecord> tryAcquireWithoutWaiting(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        acquires.increment();
        return delegate.tryAcquireWithoutWaiting(name, holder, ttl, metadata);
    }

    /** Forwarded, not counted: a store answers it from memory, without a request. */
    @Override
    public Optional<LeaseRecord> takeHandedOver(String name, String holder, Duration ttl,
            Map<String, String> metadata) {
        return delegate.takeHandedOver(name, holder, ttl, metadata);
    }

    @Override
    public boolean supportsMetadata() {
        return delegate.supportsMetadata();
    }

    @Override
    public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
        renews.increment();
        return delegate.renew(name, holder, token, ttl);
    }

    @Override
    public int renewBatchLimit() {
        return delegate.renewBatchLimit();
    }

    @Override
    public List<Optional<LeaseRecord>> renewAll(List<RenewRequest> requests) {
        batches.increment(); // one request where the backend batches (the delegate decides)
        batchedLeases.add(requests.size());
        return delegate.renewAll(requests);
    }

    @Override
    public boolean release(String name, String holder, long token) {
        releases.increment();
        return delegate.release(name, holder, token);
    }

    @Override
    public Optional<LeaseRecord> read(String name) {
        reads.increment();
        return delegate.read(name);
    }

    @Override
    public Optional<AutoCloseable> watch(String name, Runnable onChange) {
        return delegate.watch(name, onChange);
    }

    @Override
    public Duration maxCallTime() {
        return delegate.maxCallTime();
    }

    @Override
    public String describe() {
        return delegate.describe();
    }

    @Override
    public void close() {
        delegate.close();
    }
}
