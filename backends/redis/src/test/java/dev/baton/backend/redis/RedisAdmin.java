package dev.baton.backend.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;

/** A plain Lettuce connection for a test to look at or tamper with the server (SCRIPT FLUSH, FLUSHALL, KEYS). */
final class RedisAdmin implements AutoCloseable {
    private final RedisClient client;
    private final StatefulRedisConnection<String, String> connection;

    RedisAdmin(String uri) {
        client = RedisClient.create(uri);
        connection = client.connect();
    }

    RedisCommands<String, String> sync() {
        return connection.sync();
    }

    @Override
    public void close() {
        connection.close();
        client.shutdown();
    }
}
