package dev.baton.backend.redis;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.spi.StoreContext;
import io.lettuce.core.RedisClient;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code baton.backend=redis}. Configuration:
 * <ul>
 *   <li>{@code baton.redis.uri}: a Lettuce {@code RedisURI} ({@code redis://user:password@host:6379/0},
 *       {@code rediss://} for TLS, {@code redis-sentinel://host:26379#master}); required unless the application
 *       provides a {@link RedisClient} (then it is optional and, when set, says where that client connects).</li>
 *   <li>{@code baton.redis.key-prefix}: prefix of every key and of the release channel, default {@code baton:}.</li>
 *   <li>{@code baton.redis.timeout}: the longest any operation may take, default the shorter of 5 s and a third of
 *       the shortest lease ttl; at most half of it.</li>
 *   <li>{@code baton.redis.restart-quarantine}: {@code auto} (default), {@code always} or {@code off}; see
 *       {@link RestartQuarantine}.</li>
 * </ul>
 *
 * <p>The factory tries to connect once at creation so that rejected credentials fail deployment with a clear
 * message; an unreachable server is tolerated (the store connects at its first operation and keeps trying), so an
 * application may start before Redis.
 */
public final class RedisLeaseStoreFactory implements LeaseStoreFactory {
    private static final System.Logger LOG = System.getLogger(RedisLeaseStoreFactory.class.getName());

    /** The configuration key of the server URI. */
    public static final String URI_KEY = "baton.redis.uri";
    /** The configuration key of the key prefix. */
    public static final String PREFIX_KEY = "baton.redis.key-prefix";
    /** The configuration key of the call timeout. */
    public static final String TIMEOUT_KEY = "baton.redis.timeout";
    /** The configuration key of the restart quarantine ({@link RestartQuarantine}). */
    public static final String QUARANTINE_KEY = "baton.redis.restart-quarantine";

    private static final String VALID_URI = "a Redis URI such as redis://localhost:6379, "
            + "rediss://user:password@host:6380/0 or redis-sentinel://host:26379#mymaster "
            + "(or an application RedisClient bean)";
    /** As for etcd and ZooKeeper: a third of the default 15 s ttl, so that all tolerate the same link latency. */
    private static final Duration MAX_DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public LeaseStore create(StoreContext context) {
        RedisLeaseStore.Builder builder = RedisLeaseStore.builder();
        Optional<RedisClient> client = context.client(RedisClient.class);
        Optional<String> uri = context.config(URI_KEY).filter(v -> !v.isBlank());
        if (uri.isEmpty() && client.isEmpty()) {
            throw new InvalidConfigurationException(URI_KEY, null, VALID_URI);
        }
        uri.ifPresent(u -> {
            String wrong = RedisUris.problem(u).map(p -> "; here " + p).orElse("");
            try {
                builder.uri(u);
            } catch (IllegalArgumentException e) {
                throw new InvalidConfigurationException(URI_KEY, RedisUris.mask(u), VALID_URI + wrong);
            }
        });
        client.ifPresent(builder::client);

        String prefix = context.config(PREFIX_KEY).orElse(LeaseKeys.DEFAULT_PREFIX);
        if (!LeaseKeys.isValidPrefix(prefix)) {
            throw new InvalidConfigurationException(PREFIX_KEY, prefix, LeaseKeys.VALID_PREFIX);
        }
        builder.keyPrefix(prefix);
        builder.timeout(timeout(context));
        Optional<String> quarantine = context.config(QUARANTINE_KEY).filter(v -> !v.isBlank());
        if (quarantine.isPresent()) {
            builder.restartQuarantine(RestartQuarantine.parse(quarantine.get()).orElseThrow(
                    () -> new InvalidConfigurationException(QUARANTINE_KEY, quarantine.get(),
                            RestartQuarantine.VALID_VALUES)));
        }

        RedisLeaseStore store = builder.build();
        try {
            store.connectNow();
        } catch (CredentialsRejectedException e) {
            store.close();
            throw new InvalidConfigurationException(URI_KEY,
                    uri.map(RedisUris::mask).orElse("<the application's RedisClient>"),
                    "credentials that Redis accepts: " + e.getMessage());
        } catch (LeaseStoreException e) {
            LOG.log(Level.INFO, "{0} is not reachable yet ({1}); connecting at first use", store.describe(),
                    e.getMessage());
        }
        return store;
    }

    private static Duration timeout(StoreContext context) {
        Duration shortest = context.shortestTtl();
        Duration half = shortest.dividedBy(2);
        Duration third = shortest.dividedBy(3);
        Duration timeout = context.duration(TIMEOUT_KEY,
                third.compareTo(MAX_DEFAULT_TIMEOUT) < 0 ? third : MAX_DEFAULT_TIMEOUT);
        if (timeout.compareTo(half) > 0) {
            throw new InvalidConfigurationException(TIMEOUT_KEY, context.config(TIMEOUT_KEY).orElse(""),
                    "a duration of at most half the shortest lease ttl (" + half.toMillis() + "ms), so a renewal "
                            + "can time out and be retried before the lease expires");
        }
        if (timeout.toMillis() < 1) {
            throw new InvalidConfigurationException(TIMEOUT_KEY, context.config(TIMEOUT_KEY).orElse(""),
                    "at least 1ms");
        }
        return timeout;
    }
}
