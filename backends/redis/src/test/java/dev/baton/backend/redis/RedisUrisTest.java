package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisURI;
import java.util.Optional;
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

    @Test
    @DisplayName("problem accepts every URI form Lettuce documents")
    void wellFormed() {
        for (String uri : new String[] {"redis://localhost", "redis://localhost:6379", "redis://:pw@host:6379/0",
            "rediss://user:pa:ss@cache.example:6380/15?timeout=10s", "redis+ssl://h", "redis+tls://h:1",
            "redis-sentinel://:pw@h1:26379,h2:26380/3#primary", "rediss-sentinel://h1#m", "redis://[::1]:6379",
            "redis://[::1]", "redis-socket:///tmp/redis.sock", "redis+socket:///tmp/redis.sock?db=1",
            " redis://127.0.0.1:65535 "}) {
            assertEquals(Optional.empty(), RedisUris.problem(uri), uri);
        }
    }

    @Test
    @DisplayName("problem names what is wrong, without the password: port, host, database, scheme")
    void malformed() {
        String[][] cases = {
            {"redis://:s3cret@host:notaport", "port 'notaport'"},
            {"redis://host:0", "port '0'"},
            {"redis://host:65536", "port '65536'"},
            {"redis://host:", "port ''"},
            {"redis://:s3cret@", "no host"},
            {"redis://", "no host"},
            {"redis://ho st:6379", "'ho st' is not a host name"},
            {"redis://host:6379/zero", "database 'zero'"},
            {"redis://h1:1,h2:2", "only allowed for redis-sentinel"},
            {"redis-sentinel://h1:26379,:26380#m", "no host"},
            {"http://host:6379", "unknown scheme 'http'"},
            {"localhost:6379", "no scheme"},
        };
        for (String[] c : cases) {
            Optional<String> problem = RedisUris.problem(c[0]);
            assertTrue(problem.isPresent() && problem.get().contains(c[1]), c[0] + " -> " + problem);
            assertFalse(problem.get().contains("s3cret"), problem.get());
        }
    }
}
