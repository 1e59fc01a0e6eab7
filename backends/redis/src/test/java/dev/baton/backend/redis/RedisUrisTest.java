package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.lettuce.core.RedisURI;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RedisUrisTest {

    @Test
    @DisplayName("mask hides the password and keeps the user")
    void mask() {
        assertEquals("redis://app:***@host:6379/1", RedisUris.mask("redis://app:pa:ss@host:6379/1"));
        assertEquals("rediss://***@host", RedisUris.mask("rediss://s3cret@host"));
        assertEquals("redis://***@host", RedisUris.mask("redis://:s3cret@host"));
        assertEquals("redis://host:6379", RedisUris.mask("redis://host:6379"));
        assertEquals("not a uri", RedisUris.mask("not a uri"));
    }

    @Test
    @DisplayName("describe names scheme, user, address, database and Sentinel master, never the password")
    void describe() {
        assertEquals("rediss://app@cache:6380/2", RedisUris.describe(RedisURI.create("rediss://app:s3cret@cache:6380/2")));
        assertEquals("redis://localhost:6379/0", RedisUris.describe(RedisURI.create("redis://s3cret@localhost")));
        String sentinel = RedisUris.describe(RedisURI.create("redis-sentinel://:s3cret@h1:26379,h2:26380/3#primary"));
        assertEquals("redis-sentinel://h1:26379,h2:26380/3#primary", sentinel);
        assertFalse(sentinel.contains("s3cret"));
    }
}
