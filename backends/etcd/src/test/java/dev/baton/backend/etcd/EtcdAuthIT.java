package dev.baton.backend.etcd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.MapStoreContext;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** etcd with authentication on: wrong or missing credentials fail with a clear message and no secret in it. */
class EtcdAuthIT {
    private static final String PASSWORD = "right-pw-42";
    private static final Duration TTL = Duration.ofSeconds(15);
    private static EtcdCluster etcd;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdCluster.start(1);
        etcd.enableAuth(PASSWORD);
    }

    @AfterAll
    static void stopEtcd() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static LeaseStore store(String user, String password) {
        MapStoreContext context = EtcdStores.context(etcd.endpoints(), "/auth/", TTL);
        if (user != null) {
            context.with(EtcdLeaseStoreFactory.USER, user).with(EtcdLeaseStoreFactory.PASSWORD, password);
        }
        return new EtcdLeaseStoreFactory().create(context);
    }

    @Test
    void wrongPasswordFailsClearlyWithoutRevealingIt() {
        String wrong = "wrong-pw-99";
        try (LeaseStore store = store("root", wrong)) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class,
                    () -> store.tryAcquire("job", "a", TTL));
            String message = e.getMessage();
            assertTrue(message.contains("authentication failed"), message);
            assertTrue(message.contains("baton.etcd.password"), message);
            assertFalse(message.contains(wrong), "the message reveals the password: " + message);
            assertFalse(store.describe().contains(wrong), store.describe());
            assertTrue(store.describe().contains("root"), store.describe());
        }
    }

    @Test
    void missingCredentialsFailClearly() {
        try (LeaseStore store = store(null, null)) {
            LeaseStoreException e = assertThrows(LeaseStoreException.class, () -> store.read("job"));
            assertTrue(e.getMessage().contains("requires authentication"), e.getMessage());
        }
    }

    @Test
    void rightCredentialsWork() {
        try (LeaseStore store = store("root", PASSWORD)) {
            assertEquals("a", store.tryAcquire("job", "a", TTL).orElseThrow().holder());
        }
    }
}
