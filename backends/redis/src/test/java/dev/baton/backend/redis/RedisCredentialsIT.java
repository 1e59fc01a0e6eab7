package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A server with {@code requirepass}: wrong or missing credentials fail clearly, and no message shows a password. */
class RedisCredentialsIT {
    private static final String PASSWORD = "Zq8-right-horse";
    private static final String WRONG = "Wx3-wrong-staple";

    @RegisterExtension
    static final RedisServer SERVER = RedisServer.appendOnly("--requirepass", PASSWORD);

    private static String uri(String userInfo) {
        return "redis://" + userInfo + "127.0.0.1:" + SERVER.port();
    }

    /**
     * The factory's configuration for {@code uri}, with a 5 s call timeout (the default 2 s at most half the default
     * 15 s shortest ttl): creation checks the credentials within it, and a busy machine must not turn the server's
     * refusal into "not reachable yet".
     */
    private static MapStoreContext context(String uri) {
        return new MapStoreContext().with("baton.redis.uri", uri).with("baton.redis.timeout", "5s");
    }

    private static void assertNoSecret(String text) {
        assertFalse(text.contains(PASSWORD), () -> "shows the password: " + text);
        assertFalse(text.contains(WRONG), () -> "shows the wrong password: " + text);
    }

    @Test
    @DisplayName("a wrong password fails creation with a message naming the key and the server's refusal")
    void wrongPassword() {
        for (String userInfo : List.of(":" + WRONG + "@", WRONG + "@", "default:" + WRONG + "@")) {
            InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                    () -> new RedisLeaseStoreFactory().create(context(uri(userInfo))));
            assertEquals("baton.redis.uri", e.key());
            assertTrue(e.getMessage().contains("refused the credentials"), e.getMessage());
            assertTrue(e.getMessage().contains("WRONGPASS"), e.getMessage());
            assertTrue(e.getMessage().contains("127.0.0.1:" + SERVER.port()), e.getMessage());
            assertNoSecret(e.getMessage());
        }
    }

    @Test
    @DisplayName("no password where one is required fails creation with the server's NOAUTH")
    void missingPassword() {
        InvalidConfigurationException e = assertThrows(InvalidConfigurationException.class,
                () -> new RedisLeaseStoreFactory().create(context(uri(""))));
        assertTrue(e.getMessage().contains("NOAUTH"), e.getMessage());
    }

    @Test
    @DisplayName("a store built with a wrong password fails each call with the same clear LeaseStoreException")
    void wrongPasswordAtRunTime() {
        try (LeaseStore store = RedisLeaseStore.builder().uri(uri(":" + WRONG + "@"))
                .timeout(Duration.ofSeconds(5)).build()) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> store.tryAcquire("secret", "a", Duration.ofSeconds(5)));
            assertInstanceOf(CredentialsRejectedException.class, e);
            assertTrue(e.getMessage().contains("refused the credentials (WRONGPASS"), e.getMessage());
            assertNoSecret(e.getMessage());
            assertNoSecret(store.describe());
        }
    }

    @Test
    @DisplayName("the right password works, and describe() does not show it")
    void rightPassword() {
        try (LeaseStore store = new RedisLeaseStoreFactory().create(context(uri("default:" + PASSWORD + "@")))) {
            assertEquals("a", store.tryAcquire("secret", "a", Duration.ofSeconds(5)).orElseThrow().holder());
            assertEquals("redis redis://default@127.0.0.1:" + SERVER.port() + "/0 (key prefix 'baton:')",
                    store.describe());
        }
    }
}
