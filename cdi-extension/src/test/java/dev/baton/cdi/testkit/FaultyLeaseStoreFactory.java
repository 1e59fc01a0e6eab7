package dev.baton.cdi.testkit;

import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code baton.backend=faulty}: the memory backend behind a switch that makes every call fail like an unreachable
 * server. Test-only, registered in the test resources' {@code META-INF/services}.
 *
 * <p>Keys: {@code baton.faulty.namespace} (memory namespace), {@code baton.faulty.mode} ({@code ok} or
 * {@code reject}: the factory throws {@link InvalidConfigurationException}), {@code baton.faulty.password} (any value
 * but {@code good} is rejected, to check that secrets never reach messages).
 */
public final class FaultyLeaseStoreFactory implements LeaseStoreFactory {

    /** When true every store call throws {@link LeaseStoreException}. */
    public static final AtomicBoolean FAILING = new AtomicBoolean();

    @Override
    public String name() {
        return "faulty";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        String mode = context.config("baton.faulty.mode").orElse("ok");
        if (!mode.equals("ok")) {
            throw new InvalidConfigurationException("baton.faulty.mode", mode, "ok");
        }
        Optional<String> password = context.config("baton.faulty.password");
        if (password.isPresent() && !password.get().equals("good")) {
            throw new InvalidConfigurationException("baton.faulty.password", password.get(), "the right password");
        }
        return new Faulty(MemoryLeaseStore.shared(context.config("baton.faulty.namespace").orElse("faulty")));
    }

    private static final class Faulty implements LeaseStore {
        private final MemoryLeaseStore delegate;

        Faulty(MemoryLeaseStore delegate) {
            this.delegate = delegate;
        }

        private void check(String op) {
            if (FAILING.get()) {
                throw new LeaseStoreException("faulty backend: " + op + " refused (connection refused)");
            }
        }

        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
            check("tryAcquire");
            return delegate.tryAcquire(name, holder, ttl);
        }

        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl,
                Map<String, String> metadata) {
            check("tryAcquire");
            return delegate.tryAcquire(name, holder, ttl, metadata);
        }

        @Override
        public boolean supportsMetadata() {
            return delegate.supportsMetadata();
        }

        @Override
        public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
            check("renew");
            return delegate.renew(name, holder, token, ttl);
        }

        @Override
        public boolean release(String name, String holder, long token) {
            check("release");
            return delegate.release(name, holder, token);
        }

        @Override
        public Optional<LeaseRecord> read(String name) {
            check("read");
            return delegate.read(name);
        }

        @Override
        public Duration maxCallTime() {
            return Duration.ofMillis(100);
        }

        @Override
        public String describe() {
            return "faulty over " + delegate.describe();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
