package dev.baton.engine;

import dev.baton.spi.LeaseStore;
import java.lang.System.Logger.Level;
import java.util.Optional;

/**
 * A group's subscription to the store's change notifications ({@link LeaseStore#watch}), so a sleeping follower
 * wakes at a release instead of at the lease's expiry. Opened lazily, once, by the group's step (opening may need the
 * backend); closed for good when the group stops, also when an opening was still under way.
 */
final class StoreWatch {
    private static final System.Logger LOG = System.getLogger(StoreWatch.class.getName());

    private final LeaseStore store;
    private final String group;
    private final Runnable onChange;
    private AutoCloseable watch;
    private boolean unsupported;
    private boolean closed;

    /**
     * @param onChange run by the store, on one of its threads, when the group's lease may have changed
     */
    StoreWatch(LeaseStore store, String group, Runnable onChange) {
        this.store = store;
        this.group = group;
        this.onChange = onChange;
    }

    /** @return whether followers are woken by notifications (else they sleep until the lease can expire) */
    synchronized boolean isOpen() {
        return watch != null;
    }

    /** Opens the watch unless it is open, unsupported or closed; a failure is retried at the next call. */
    void open() {
        synchronized (this) {
            if (watch != null || unsupported || closed) {
                return;
            }
        }
        try {
            Optional<AutoCloseable> opened = store.watch(group, onChange);
            AutoCloseable late = null;
            synchronized (this) {
                if (opened.isEmpty()) {
                    unsupported = true;
                } else if (closed) {
                    late = opened.get();
                } else {
                    watch = opened.get();
                }
            }
            if (late != null) {
                closeQuietly(late);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.DEBUG, "Group ''{0}'': watch not opened yet: {1}", group, e.getMessage());
        }
    }

    /** Closes the watch for good. Idempotent. */
    void close() {
        AutoCloseable open;
        synchronized (this) {
            closed = true;
            open = watch;
            watch = null;
        }
        if (open != null) {
            closeQuietly(open);
        }
    }

    private void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.log(Level.DEBUG, "Group ''{0}'': closing the watch failed: {1}", group, e.getMessage());
        }
    }
}
