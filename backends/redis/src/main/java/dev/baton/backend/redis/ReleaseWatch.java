package dev.baton.backend.redis;

import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The store's one subscription: a single pub/sub connection subscribed to the prefix's release channel, whose
 * messages (a lease name each) are dispatched to the watchers of that name. Many groups therefore cost one connection,
 * not one each.
 *
 * <p>The connection is opened when the first watcher arrives and, if Redis was unreachable then, again at the store's
 * next operation. Every (re)subscription wakes all watchers once, because releases published while the connection was
 * down are lost: a spurious wake-up costs a read, a missed one a lease length. Callbacks run on one daemon thread of
 * this store, never on Lettuce's event loop, so a slow callback cannot stall Redis replies.
 */
final class ReleaseWatch {
    private static final System.Logger LOG = System.getLogger(ReleaseWatch.class.getName());

    private final RedisEndpoint endpoint;
    private final String channel;
    private final Map<String, List<Runnable>> watchers = new ConcurrentHashMap<>();
    private final ExecutorService dispatcher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "baton-redis-watch");
        t.setDaemon(true);
        return t;
    });
    /** Guarded by {@code this}. */
    private CompletableFuture<StatefulRedisPubSubConnection<String, String>> connection;
    private boolean closed;

    ReleaseWatch(RedisEndpoint endpoint, String channel) {
        this.endpoint = endpoint;
        this.channel = channel;
    }

    /** Registers a watcher and makes sure the subscription is (being) opened; never blocks on Redis. */
    AutoCloseable add(String name, Runnable onChange) {
        watchers.compute(name, (n, list) -> {
            List<Runnable> l = list == null ? new CopyOnWriteArrayList<>() : list;
            l.add(onChange);
            return l;
        });
        ensureSubscribed();
        return () -> watchers.computeIfPresent(name, (n, list) -> {
            list.remove(onChange);
            return list.isEmpty() ? null : list;
        });
    }

    /** Opens the subscription when there are watchers and it is missing or broken beyond Lettuce's own repair. */
    void ensureSubscribed() {
        synchronized (this) {
            if (closed || watchers.isEmpty()) {
                return;
            }
            if (connection != null) {
                if (!connection.isDone()) {
                    return;
                }
                StatefulRedisPubSubConnection<String, String> c = connection.exceptionally(e -> null).join();
                if (c != null && (c.isOpen() || endpoint.autoReconnect())) {
                    return;
                }
                if (c != null) {
                    c.closeAsync();
                }
            }
            CompletableFuture<StatefulRedisPubSubConnection<String, String>> attempt = endpoint.connectPubSub();
            connection = attempt;
            attempt.whenComplete((c, e) -> {
                if (e != null) {
                    LOG.log(Level.DEBUG, "Subscribing to {0} at {1} failed, retrying at the next operation: {2}",
                            channel, endpoint.description(), e.getMessage());
                } else {
                    subscribe(attempt, c);
                }
            });
        }
    }

    private void subscribe(CompletableFuture<StatefulRedisPubSubConnection<String, String>> attempt,
            StatefulRedisPubSubConnection<String, String> c) {
        synchronized (this) {
            if (closed) {
                c.closeAsync();
                return;
            }
        }
        c.addListener(new RedisPubSubAdapter<>() {
            @Override
            public void message(String ch, String name) {
                List<Runnable> list = watchers.get(name);
                if (list != null) {
                    dispatch(list);
                }
            }

            @Override
            public void subscribed(String ch, long count) {
                // Also called after Lettuce re-subscribes on reconnect: releases sent meanwhile were lost.
                watchers.values().forEach(ReleaseWatch.this::dispatch);
            }
        });
        c.async().subscribe(channel).whenComplete((ok, e) -> {
            if (e != null) {
                LOG.log(Level.DEBUG, "SUBSCRIBE {0} at {1} failed: {2}", channel, endpoint.description(),
                        e.getMessage());
                c.closeAsync();
                synchronized (this) {
                    if (connection == attempt) {
                        connection = null; // try again at the next operation
                    }
                }
            }
        });
    }

    private void dispatch(List<Runnable> list) {
        try {
            dispatcher.execute(() -> {
                for (Runnable r : list) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.log(Level.WARNING, LogIds.WATCHER_FAILED + ": a lease watcher failed: " + e
                                + "; listening goes on", e);
                    }
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closed meanwhile: nobody to tell
        }
    }

    /** Closes the subscription and stops the callback thread. Idempotent. */
    void close() {
        CompletableFuture<StatefulRedisPubSubConnection<String, String>> last;
        synchronized (this) {
            closed = true;
            last = connection;
            connection = null;
        }
        // Our own client's shutdown closes its connections; an application's client needs them closed here.
        if (last != null && !endpoint.owned()) {
            last.thenAccept(StatefulRedisPubSubConnection::closeAsync);
        }
        watchers.clear();
        dispatcher.shutdownNow();
    }
}
