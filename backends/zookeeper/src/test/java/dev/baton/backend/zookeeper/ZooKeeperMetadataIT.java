package dev.baton.backend.zookeeper;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaderMetadata;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.RenewRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.utils.ZKPaths;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Where the ZooKeeper backend keeps leader metadata (the lease's counter node, written by the grant's transaction),
 * what renewals leave alone, and lease nodes written by versions before leader metadata. Leases are long
 * ({@link #LONG}) and calls patient: no test here is about timing.
 */
class ZooKeeperMetadataIT {
    private static final Duration LONG = Duration.ofSeconds(60);
    private static final String ROOT = "/baton-metadata";
    private static final Map<String, String> META = Map.of("url", "http://a.example:8080/app", "zone", "eu ü &=%+",
            LeaderMetadata.SINCE, "2026-12-05T18:00:00.123Z");

    @RegisterExtension
    static ZkTestServer server = new ZkTestServer();

    @RegisterExtension
    final Closer toClose = new Closer();

    private ZooKeeperLeaseStore store() {
        return toClose.add(server.openStore(ROOT));
    }

    private static String counterPath(String name) {
        return ZKPaths.makePath(ZKPaths.makePath(ROOT, "leases"), ZkNames.node(name));
    }

    private static String holderPath(String name) {
        return ZKPaths.makePath(counterPath(name), "holder");
    }

    private static Stat stat(CuratorFramework c, String path) throws Exception {
        return c.checkExists().forPath(path);
    }

    @Test
    @DisplayName("the grant writes the metadata into the counter node; renewals write only the holder node, without it")
    void renewalsSendNoMetadata() throws Exception {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        CuratorFramework raw = a.client();
        LeaseRecord granted = a.tryAcquire("job", "a", LONG, META).orElseThrow();
        assertEquals(META, granted.metadata());
        assertEquals(LeaderMetadata.encode(META),
                new String(raw.getData().forPath(counterPath("job")), StandardCharsets.US_ASCII));
        Stat counter = stat(raw, counterPath("job"));
        assertEquals(counter.getMzxid(), stat(raw, holderPath("job")).getCzxid(), "written in one transaction");
        byte[] holderData = new ZkLeaseData(LONG.toMillis(), "a").encode();
        for (int i = 0; i < 3; i++) {
            assertEquals(META, a.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        }
        assertEquals(META, a.renewAll(List.of(new RenewRequest("job", "a", granted.token(), LONG))).get(0)
                .orElseThrow().metadata());
        // Another client of the same holder has no record of its writes: its renewal reads the lease first.
        assertEquals(META, b.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        assertEquals(META, a.tryAcquire("job", "a", LONG, META).orElseThrow().metadata(), "a confirmation");
        assertArrayEquals(holderData, raw.getData().forPath(holderPath("job")), "the holder node has no metadata");
        assertEquals(counter.getMzxid(), stat(raw, counterPath("job")).getMzxid(),
                "renewals, and a confirmation with the same metadata, leave the counter node alone");

        Map<String, String> next = Map.of("version", "2");
        LeaseRecord confirmed = a.tryAcquire("job", "a", LONG, next).orElseThrow();
        assertEquals(granted.token(), confirmed.token());
        assertEquals(next, confirmed.metadata());
        assertEquals(next, b.read("job").orElseThrow().metadata());
        assertEquals(next, a.renew("job", "a", granted.token(), LONG).orElseThrow().metadata());
        assertTrue(a.release("job", "a", granted.token()));
        assertEquals(0, raw.getData().forPath(counterPath("job")).length, "a release clears the metadata");
    }

    @Test
    @DisplayName("a lease written by a version before leader metadata reads without it, and is taken over with it")
    void leaseOfAnEarlierVersion() throws Exception {
        ZooKeeperLeaseStore a = store();
        ZooKeeperLeaseStore b = store();
        CuratorFramework raw = a.client();
        // Exactly what earlier versions wrote for a grant: an empty counter node, bumped, and the holder node.
        raw.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(counterPath("old"),
                new byte[0]);
        List<CuratorOp> grant = List.of(
                raw.transactionOp().setData().withVersion(0).forPath(counterPath("old"), new byte[0]),
                raw.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(holderPath("old"),
                        new ZkLeaseData(LONG.toMillis(), "old ü").encode()));
        raw.transaction().forOperations(grant);
        LeaseRecord seen = b.read("old").orElseThrow();
        assertEquals("old ü", seen.holder());
        assertEquals(Map.of(), seen.metadata());
        assertEquals("old ü", b.tryAcquire("old", "b", LONG, META).orElseThrow().holder());
        assertEquals(Map.of(), a.renew("old", "old ü", seen.token(), LONG).orElseThrow().metadata());
        assertTrue(a.release("old", "old ü", seen.token()));
        LeaseRecord next = b.tryAcquire("old", "b", LONG, META).orElseThrow();
        assertTrue(next.token() > seen.token());
        assertEquals(META, a.read("old").orElseThrow().metadata());
    }

    @Test
    @DisplayName("a grant by an earlier version clears the previous holder's metadata (it writes an empty counter)")
    void grantOfAnEarlierVersionClearsIt() throws Exception {
        ZooKeeperLeaseStore a = store();
        CuratorFramework raw = a.client();
        LeaseRecord first = a.tryAcquire("mixed", "a", LONG, META).orElseThrow();
        // An earlier version's takeover of an expired lease: bump the counter (empty data), replace the holder node.
        int version = stat(raw, counterPath("mixed")).getVersion();
        int holderVersion = stat(raw, holderPath("mixed")).getVersion();
        raw.transaction().forOperations(List.of(
                raw.transactionOp().setData().withVersion(version).forPath(counterPath("mixed"), new byte[0]),
                raw.transactionOp().delete().withVersion(holderVersion).forPath(holderPath("mixed")),
                raw.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(holderPath("mixed"),
                        new ZkLeaseData(LONG.toMillis(), "old").encode())));
        LeaseRecord seen = a.read("mixed").orElseThrow();
        assertEquals("old", seen.holder());
        assertTrue(seen.token() > first.token());
        assertEquals(Map.of(), seen.metadata());
    }

    @Test
    @DisplayName("metadata that cannot be decoded (another program's data) reads as empty, never as an error")
    void unreadableMetadata() throws Exception {
        ZooKeeperLeaseStore a = store();
        CuratorFramework raw = a.client();
        LeaseRecord granted = a.tryAcquire("odd", "someone", LONG, META).orElseThrow();
        raw.setData().forPath(counterPath("odd"), "no-equals-sign".getBytes(StandardCharsets.US_ASCII));
        ZooKeeperLeaseStore b = store();
        LeaseRecord seen = b.read("odd").orElseThrow();
        assertEquals("someone", seen.holder());
        assertEquals(granted.token(), seen.token());
        assertEquals(Map.of(), seen.metadata());
        assertEquals(Map.of(), b.tryAcquire("odd", "b", LONG, Map.of("url", "http://b")).orElseThrow().metadata());
    }
}
