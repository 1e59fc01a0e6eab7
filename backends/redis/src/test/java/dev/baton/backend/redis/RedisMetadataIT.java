package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import io.lettuce.core.ScriptOutputType;
import java.text.MessageFormat;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Leader metadata in the lease hash, beyond the TCK: where it lives, who writes it, and earlier versions' hashes. */
class RedisMetadataIT {
    private static final Duration TTL = Duration.ofSeconds(30);
    private static final Map<String, String> META = Map.of("url", "http://a.example:8080/app", "zone", "ü 東京 &=%+",
            LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");

    /** The acquire script of the version before leader metadata, as it ran (a participant not yet upgraded). */
    private static final String PREVIOUS_ACQUIRE = """
            local cur = redis.call('HMGET', KEYS[1], 'holder', 'token')
            if cur[1] and cur[1] ~= ARGV[1] then
              return {0, cur[1], cur[2], redis.call('PTTL', KEYS[1])}
            end
            local token = cur[2]
            if not cur[1] then
              local t = redis.call('TIME')
              local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
              local last = tonumber(redis.call('GET', KEYS[2]) or '0')
              token = string.format('%.0f', math.max(last + 1, now))
              redis.call('HSET', KEYS[1], 'holder', ARGV[1], 'token', token)
            end
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('SET', KEYS[2], token, 'PX', ARGV[2] + ARGV[3])
            return {1, ARGV[1], token, tonumber(ARGV[2])}
            """;

    @RegisterExtension
    static final RedisServer SERVER = RedisServer.appendOnly();

    private final List<LeaseStore> stores = new CopyOnWriteArrayList<>();

    @AfterEach
    void close() {
        stores.forEach(LeaseStore::close);
    }

    private LeaseStore store(String prefix) {
        LeaseStore s = RedisLeaseStore.builder().uri(SERVER.uri()).keyPrefix(prefix).timeout(Duration.ofSeconds(2))
                .build();
        stores.add(s);
        return s;
    }

    @Test
    @DisplayName("metadata is the hash's 'metadata' field, written by acquire; renew keeps it; an empty map removes it;"
            + " release deletes it with the hash")
    void field() {
        LeaseStore s = store("meta:");
        String key = "{meta:jobs}:lease";
        LeaseRecord a = s.tryAcquire("jobs", "a", TTL, META).orElseThrow();
        assertEquals(META, a.metadata());
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            assertEquals(Map.of("holder", "a", "token", Long.toString(a.token()), "metadata",
                    LeaderMetadata.encode(META)), admin.sync().hgetall(key));
            admin.sync().pexpire(key, 5_000);
            assertEquals(META, s.renew("jobs", "a", a.token(), TTL).orElseThrow().metadata());
            assertTrue(admin.sync().pttl(key) > 5_000, "renewed");
            assertEquals(LeaderMetadata.encode(META), admin.sync().hget(key, "metadata"), "renew left it as it was");

            LeaseRecord again = s.tryAcquire("jobs", "a", TTL, Map.of()).orElseThrow();
            assertEquals(a.token(), again.token());
            assertEquals(Map.of(), again.metadata());
            assertFalse(admin.sync().hexists(key, "metadata"), "the holder's confirmation without metadata removed it");

            s.tryAcquire("jobs", "a", TTL, META).orElseThrow();
            assertTrue(s.release("jobs", "a", a.token()));
            assertEquals(0L, admin.sync().exists(key));
        }
    }

    @Test
    @DisplayName("a participant of the previous version shares the keys: its hashes read with no metadata, its script"
            + " sees ours as before, and it never inherits another holder's metadata")
    void previousVersion() {
        LeaseStore s = store("prev:");
        String[] keys = LeaseKeys.of("prev:").keys("jobs");
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            List<Object> old = admin.sync().eval(PREVIOUS_ACQUIRE, ScriptOutputType.MULTI, keys, "old",
                    Long.toString(TTL.toMillis()), Long.toString(LeaseScripts.TOKEN_RETENTION_MILLIS));
            long oldToken = Long.parseLong((String) old.get(2));
            LeaseRecord seen = s.read("jobs").orElseThrow();
            assertEquals("old", seen.holder());
            assertEquals(oldToken, seen.token());
            assertEquals(Map.of(), seen.metadata());
            assertEquals(Map.of(), s.tryAcquire("jobs", "new", TTL, META).orElseThrow().metadata(),
                    "a refused rival wrote nothing");
            assertFalse(admin.sync().hexists(keys[0], "metadata"));
            assertEquals(Map.of(), s.renew("jobs", "old", oldToken, TTL).orElseThrow().metadata());
            assertTrue(s.release("jobs", "old", oldToken));

            LeaseRecord ours = s.tryAcquire("jobs", "new", TTL, META).orElseThrow();
            List<Object> refused = admin.sync().eval(PREVIOUS_ACQUIRE, ScriptOutputType.MULTI, keys, "old",
                    Long.toString(TTL.toMillis()), Long.toString(LeaseScripts.TOKEN_RETENTION_MILLIS));
            assertEquals(List.of(0L, "new", Long.toString(ours.token())), refused.subList(0, 3));
            assertTrue(s.release("jobs", "new", ours.token()));
            List<Object> granted = admin.sync().eval(PREVIOUS_ACQUIRE, ScriptOutputType.MULTI, keys, "old",
                    Long.toString(TTL.toMillis()), Long.toString(LeaseScripts.TOKEN_RETENTION_MILLIS));
            assertEquals("old", granted.get(1));
            assertEquals(Map.of(), s.read("jobs").orElseThrow().metadata(), "the released holder's metadata went");
        }
    }

    @Test
    @DisplayName("a value that cannot be decoded reads as no metadata, with one warning")
    void unreadable() {
        LeaseStore s = store("odd:");
        Logger jul = Logger.getLogger("dev.baton.backend.redis");
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getLevel() == Level.WARNING) {
                    warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(handler);
        try (RedisAdmin admin = new RedisAdmin(SERVER.uri())) {
            LeaseRecord a = s.tryAcquire("odd", "a", TTL, META).orElseThrow();
            admin.sync().hset("{odd:odd}:lease", "metadata", "no-equals-sign");
            assertEquals(Map.of(), s.read("odd").orElseThrow().metadata());
            assertEquals(Map.of(), s.renew("odd", "a", a.token(), TTL).orElseThrow().metadata());
            assertEquals("a", s.tryAcquire("odd", "b", TTL, META).orElseThrow().holder());
            List<String> ours = warnings.stream().filter(w -> w.contains("'odd'")).toList();
            assertEquals(1, ours.size(), warnings::toString);
            assertTrue(ours.get(0).startsWith("BATON-REDIS-0002: "), ours.get(0));
        } finally {
            jul.removeHandler(handler);
        }
    }
}
