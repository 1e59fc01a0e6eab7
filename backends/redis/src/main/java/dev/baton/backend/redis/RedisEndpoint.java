package dev.baton.backend.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Where the store's connections come from: either a {@link RedisClient} this store created from a URI (and shuts
 * down on close), or one the application owns (left running on close).
 *
 * <p>A client of our own is tuned for leases: commands are rejected at once while disconnected instead of being
 * buffered and run later (a renewal replayed after the caller gave up is useless), the command timeout is the store's
 * call timeout, and Lettuce's automatic reconnection retries every 10 ms doubling up to the call timeout (at most 1 s),
 * so a restarted server is found again within a fraction of a lease. Connecting (TCP, then {@code HELLO},
 * {@code CLIENT SETINFO}, {@code AUTH}, {@code SELECT}: several round trips) may take {@link #CONNECT_BUDGET} call
 * timeouts: on a slow link it outlasts the call that started it, which fails at its own deadline, and the connection
 * serves the next call. An application's client keeps its own options; every call is still bounded by the store's
 * deadline.
 */
final class RedisEndpoint {
    /** How many call timeouts connecting may take (in the background of the calls that wait for it). */
    static final int CONNECT_BUDGET = 3;
    private final RedisClient client;
    private final RedisURI uri;
    /** Our own resources to shut down on close; null for an application's client. */
    private final ClientResources ownResources;
    private final String description;

    private RedisEndpoint(RedisClient client, RedisURI uri, ClientResources ownResources, String description) {
        this.client = client;
        this.uri = uri;
        this.ownResources = ownResources;
        this.description = description;
    }

    /** A client of our own for {@code uri}. */
    static RedisEndpoint own(RedisURI uri, Duration timeout) {
        Duration reconnectCap = timeout.compareTo(Duration.ofSeconds(1)) < 0 ? timeout : Duration.ofSeconds(1);
        ClientResources resources = ClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), reconnectCap, 2, TimeUnit.MILLISECONDS))
                .build();
        Duration connecting = timeout.multipliedBy(CONNECT_BUDGET);
        uri.setTimeout(connecting); // bounds the handshake; commands have their own timeout below
        RedisClient client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(connecting).keepAlive(true).build())
                .timeoutOptions(TimeoutOptions.enabled(timeout))
                .build());
        return new RedisEndpoint(client, uri, resources, RedisUris.describe(uri));
    }

    /** The application's client, connecting to {@code uri} or, when null, to the client's own default URI. */
    static RedisEndpoint application(RedisClient client, RedisURI uri) {
        return new RedisEndpoint(client, uri, null,
                uri == null ? "the application's RedisClient" : RedisUris.describe(uri) + " via the application's RedisClient");
    }

    /** @return whether this endpoint's client is our own (its shutdown closes every connection) */
    boolean owned() {
        return ownResources != null;
    }

    /** @return whether the client re-establishes dropped connections itself (then a dropped one is kept) */
    boolean autoReconnect() {
        return client.getOptions().isAutoReconnect();
    }

    /** @return where this endpoint connects, without secrets */
    String description() {
        return description;
    }

    CompletableFuture<StatefulRedisConnection<String, String>> connect() {
        if (uri != null) {
            return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }
        return blocking(() -> client.connect(StringCodec.UTF8));
    }

    CompletableFuture<StatefulRedisPubSubConnection<String, String>> connectPubSub() {
        if (uri != null) {
            return client.connectPubSubAsync(StringCodec.UTF8, uri).toCompletableFuture();
        }
        return blocking(() -> client.connectPubSub(StringCodec.UTF8));
    }

    /**
     * A client built without a URI can only connect with its blocking methods; run them on a throw-away daemon thread
     * so the caller can still give up at its deadline.
     */
    private static <T> CompletableFuture<T> blocking(Supplier<T> connect) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(connect.get());
            } catch (RuntimeException e) {
                result.completeExceptionally(e);
            }
        }, "baton-redis-connect");
        t.setDaemon(true);
        t.start();
        return result;
    }

    /** Shuts our own client down (bounded); leaves an application's client alone. */
    void close() {
        if (ownResources != null) {
            // A client built on given resources leaves them running on shutdown: stop both.
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            ownResources.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
