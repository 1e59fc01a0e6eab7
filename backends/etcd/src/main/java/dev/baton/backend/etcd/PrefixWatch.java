package dev.baton.backend.etcd;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One etcd watch on the store's whole key prefix, shared by every watched lease: an event is dispatched by its key to
 * the callbacks registered for that key. However many groups a participant follows, etcd serves one watch.
 *
 * <p>The watch is opened with the first callback and reopened (from "now", after a short pause) whenever it fails;
 * every callback is then run once, since events may have been missed: callers treat a callback as "look again".
 * Callbacks run on jetcd's threads and must not block.
 */
final class PrefixWatch implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PrefixWatch.class.getName());
    private static final long REOPEN_DELAY_MILLIS = 500;

    private final Watch watchClient;
    private final ByteSequence prefix;
    private final ScheduledExecutorService timer;
    private final Map<ByteSequence, List<Runnable>> callbacks = new ConcurrentHashMap<>();
    private final Consumer<WatchEvent> everyEvent;
    /** The revision since which the stream has run without a gap; MAX_VALUE while it does not run. */
    private volatile long watchedSince = Long.MAX_VALUE;
    /** Guarded by {@code this}. */
    private Watch.Watcher watcher;
    private CompletableFuture<Void> created = new CompletableFuture<>();
    private boolean reopened;
    private boolean closed;
    private boolean reopenScheduled;

    /**
     * @param watchClient jetcd's watch client
     * @param prefix the key prefix to watch
     * @param timer runs reopen attempts
     * @param everyEvent sees every event first (the store's record of held keys); must not block
     */
    PrefixWatch(Watch watchClient, ByteSequence prefix, ScheduledExecutorService timer,
            Consumer<WatchEvent> everyEvent) {
        this.watchClient = watchClient;
        this.everyEvent = everyEvent;
        this.prefix = prefix;
        this.timer = timer;
    }

    /**
     * Registers a callback and returns once etcd confirmed the watch stream, so no change after this call is missed.
     *
     * @param key the exact key to follow
     * @param onChange run after every event on the key, and after the watch reopened
     * @param calls bounds the wait for the stream
     * @param deadlineNanos the operation's deadline
     * @param what the operation, for messages
     * @return a handle removing the callback
     * @throws dev.baton.spi.LeaseStoreException when etcd does not confirm the stream in time
     */
    AutoCloseable add(ByteSequence key, Runnable onChange, Calls calls, long deadlineNanos, String what) {
        List<Runnable> list = callbacks.computeIfAbsent(key, k -> new CopyOnWriteArrayList<>());
        list.add(onChange);
        try {
            calls.await(open(), deadlineNanos, what);
        } catch (RuntimeException e) {
            list.remove(onChange);
            throw e;
        }
        return () -> list.remove(onChange);
    }

    /**
     * @return the etcd revision since which the stream has delivered every change under the prefix (events with a
     *     greater revision), or {@link Long#MAX_VALUE} while it is not running
     */
    long watchedSince() {
        return watchedSince;
    }

    /** @return completes when the (possibly already open) stream is confirmed by etcd; opens it when needed */
    synchronized CompletableFuture<Void> open() {
        if (closed) {
            return CompletableFuture.failedFuture(new IllegalStateException("the etcd lease store is closed"));
        }
        if (watcher == null) {
            created = new CompletableFuture<>();
            WatchOption option = WatchOption.builder().isPrefix(true).withRequireLeader(true)
                    .withCreateNotify(true).build();
            watcher = watchClient.watch(prefix, option,
                    Watch.listener(this::onNext, this::onError, this::onCompleted));
        }
        return created;
    }

    private void onNext(WatchResponse response) {
        if (response.isCreatedNotify()) {
            boolean again;
            synchronized (this) {
                watchedSince = response.getHeader().getRevision();
                created.complete(null);
                again = reopened;
                reopened = false;
            }
            if (again) {
                // Events may have been lost while the watch was down: let every follower look again.
                callbacks.values().forEach(list -> list.forEach(PrefixWatch::runSafely));
            }
        }
        for (WatchEvent event : response.getEvents()) {
            everyEvent.accept(event);
            List<Runnable> list = callbacks.get(event.getKeyValue().getKey());
            if (list != null) {
                list.forEach(PrefixWatch::runSafely);
            }
        }
    }

    private void onError(Throwable error) {
        LOG.log(Level.DEBUG, "etcd watch on {0} failed, reopening it: {1}", prefix, error.toString());
        reopenLater();
    }

    private void onCompleted() {
        reopenLater();
    }

    private void reopenLater() {
        synchronized (this) {
            watchedSince = Long.MAX_VALUE;
            created.completeExceptionally(new IllegalStateException("the etcd watch stream failed"));
            reopened = true;
            if (watcher != null) {
                try {
                    watcher.close();
                } catch (RuntimeException ignored) {
                    // already broken
                }
                watcher = null;
            }
            if (closed || reopenScheduled) {
                return;
            }
            reopenScheduled = true;
        }
        // Events may have been lost while the watch was down: let every follower look again.
        callbacks.values().forEach(list -> list.forEach(PrefixWatch::runSafely));
        try {
            timer.schedule(() -> {
                synchronized (this) {
                    reopenScheduled = false;
                }
                open();
            }, REOPEN_DELAY_MILLIS, TimeUnit.MILLISECONDS);
        } catch (RuntimeException rejectedOnClose) {
            // the store is closing
        }
    }

    private static void runSafely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, LogIds.WATCH_CALLBACK_FAILED + ": a lease watch callback failed (" + e + "); the other"
                    + " callbacks still run, and the group it served learns of changes when its lease could expire"
                    + " instead of at once. This is a bug in the callback.", e);
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        watchedSince = Long.MAX_VALUE;
        if (watcher != null) {
            watcher.close();
            watcher = null;
        }
        callbacks.clear();
    }
}
