package dev.baton.backend.raft;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.InvalidConfigurationException;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.PatientStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration handling, and one single-member group started through the factory as an application would. */
class RaftLeaseStoreFactoryTest {
    private final RaftLeaseStoreFactory factory = new RaftLeaseStoreFactory();

    @TempDir
    Path dir;

    private MapStoreContext context() {
        return new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, "node-1@127.0.0.1:7801,node-2@127.0.0.1:7802,node-3@127.0.0.1:7803")
                .with(RaftLeaseStoreFactory.NODE_ID, "node-2")
                .with(RaftLeaseStoreFactory.DATA_DIR, dir.resolve("data").toString());
    }

    private InvalidConfigurationException invalid(MapStoreContext context) {
        return assertThrows(InvalidConfigurationException.class, () -> RaftLeaseStoreFactory.config(context));
    }

    @Test
    void foundByServiceLoaderAsRaft() {
        assertTrue(ServiceLoader.load(LeaseStoreFactory.class).stream()
                .anyMatch(p -> p.get().name().equals("raft") && p.type() == RaftLeaseStoreFactory.class));
        assertFalse(factory.singleHost());
    }

    @Test
    void readsAValidConfiguration() {
        RaftNode.Config c = RaftLeaseStoreFactory.config(context()
                .with(RaftLeaseStoreFactory.FSYNC, "FALSE")
                .with(RaftLeaseStoreFactory.CLUSTER_NAME, "orders")
                .with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, "2s"));
        assertEquals("node-2", c.nodeId());
        assertEquals(new Member("node-2", "127.0.0.1", 7802), c.self());
        assertEquals(3, c.members().size());
        assertEquals("orders", c.clusterName());
        assertFalse(c.fsync());
        assertEquals(Duration.ofSeconds(2), c.failureDetection());
        assertTrue(Files.isDirectory(dir.resolve("data")), "the data directory is created");
        RaftNode.Config defaults = RaftLeaseStoreFactory.config(context());
        assertTrue(defaults.fsync());
        assertEquals("baton", defaults.clusterName());
        assertEquals(RaftLeaseStoreFactory.DEFAULT_FAILURE_DETECTION, defaults.failureDetection());
    }

    @Test
    void membersAreValidatedWithTheKeyAndWhatIsValid() {
        assertEquals(RaftLeaseStoreFactory.MEMBERS, invalid(new MapStoreContext()).key());
        for (String bad : List.of(" , ", "node-1", "node-1@host", "node-1@host:0", "node-1@host:70000",
                "@host:1", "node 1@host:1", "a@h:1,a@h:2", "a@h:1,b@h:1", "a@h:port", "-a@h:1")) {
            InvalidConfigurationException e = invalid(context().with(RaftLeaseStoreFactory.MEMBERS, bad));
            assertEquals(RaftLeaseStoreFactory.MEMBERS, e.key(), bad);
            assertTrue(e.getMessage().contains("id@host:port"), e.getMessage());
        }
        assertEquals(List.of(new Member("a", "::1", 7800), new Member("b.x_y", "host.example", 1)),
                Member.parseAll("k", " a@[::1]:7800 , b.x_y@host.example:1 "));
        assertEquals("a@[::1]:7800", new Member("a", "::1", 7800).toString());
    }

    @Test
    void nodeIdMustBeOneOfTheMembers() {
        InvalidConfigurationException missing = invalid(new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, "a@h:1,b@h:2"));
        assertEquals(RaftLeaseStoreFactory.NODE_ID, missing.key());
        assertTrue(missing.getMessage().contains("a, b"), missing.getMessage());
        InvalidConfigurationException unknown = invalid(context().with(RaftLeaseStoreFactory.NODE_ID, "node-4"));
        assertEquals(RaftLeaseStoreFactory.NODE_ID, unknown.key());
        assertTrue(unknown.getMessage().contains("node-1, node-2, node-3"), unknown.getMessage());
    }

    @Test
    void otherSettingsNameTheirKey() throws IOException {
        Path file = Files.createFile(dir.resolve("a-file"));
        assertEquals(RaftLeaseStoreFactory.DATA_DIR,
                invalid(context().with(RaftLeaseStoreFactory.DATA_DIR, file.toString())).key());
        assertEquals(RaftLeaseStoreFactory.DATA_DIR, invalid(new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, "a@h:1").with(RaftLeaseStoreFactory.NODE_ID, "a")).key());
        assertEquals(RaftLeaseStoreFactory.FSYNC, invalid(context().with(RaftLeaseStoreFactory.FSYNC, "yes")).key());
        assertEquals(RaftLeaseStoreFactory.CLUSTER_NAME,
                invalid(context().with(RaftLeaseStoreFactory.CLUSTER_NAME, "a b")).key());
        assertEquals(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT,
                invalid(context().with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, "100ms")).key());
        assertEquals(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT,
                invalid(context().with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, "soon")).key());
        InvalidConfigurationException slow = assertThrows(InvalidConfigurationException.class, () -> factory.create(
                context().shortestTtl(Duration.ofSeconds(2)).with(RaftLeaseStoreFactory.CALL_TIMEOUT, "1500ms")));
        assertEquals(RaftLeaseStoreFactory.CALL_TIMEOUT, slow.key());
    }

    @Test
    void aSingleMemberGroupServesLeasesAndKeepsTokensAcrossARestart() {
        int port = FreePorts.next();
        MapStoreContext c = new MapStoreContext()
                .with(RaftLeaseStoreFactory.MEMBERS, "solo@127.0.0.1:" + port)
                .with(RaftLeaseStoreFactory.NODE_ID, "solo")
                .with(RaftLeaseStoreFactory.DATA_DIR, dir.resolve("solo").toString())
                .with(RaftLeaseStoreFactory.FAILURE_DETECTION_TIMEOUT, "1s")
                .shortestTtl(Duration.ofSeconds(15));
        long first;
        try (LeaseStore store = factory.create(c)) {
            assertEquals(Duration.ofSeconds(5), store.maxCallTime(), "a third of 15 s");
            assertTrue(store.describe().startsWith("raft member solo of [solo@127.0.0.1:" + port + "]"),
                    store.describe());
            LeaseRecord r = new PatientStore(store, Duration.ofSeconds(30))
                    .tryAcquire("job", "a", Duration.ofSeconds(30)).orElseThrow();
            assertEquals("a", r.holder());
            first = r.token();
            assertTrue(store.release("job", "a", first));
        }
        try (LeaseStore again = factory.create(c)) {
            LeaseRecord r = new PatientStore(again, Duration.ofSeconds(30))
                    .tryAcquire("job", "b", Duration.ofSeconds(30)).orElseThrow();
            assertEquals("b", r.holder());
            assertTrue(r.token() > first, () -> "token " + r.token() + " after a restart must exceed " + first);
        }
    }
}
