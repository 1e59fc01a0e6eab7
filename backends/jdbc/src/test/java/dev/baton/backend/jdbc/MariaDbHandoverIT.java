package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * MariaDB has no notifications: a release wakes the followers of this JVM at once, and followers elsewhere find it by
 * polling ({@link ReleaseWatch}), so a graceful handover takes far less than a ttl.
 */
@ExtendWith(SharedServers.class)
class MariaDbHandoverIT {
    private static final Duration LONG = Duration.ofSeconds(30);
    private static MariaDbServer db;

    @BeforeAll
    static void server(MariaDbServer server) {
        db = server;
    }

    private static TestContext here(String table) {
        return TestContext.mariadb(db).with(JdbcLeaseStoreFactory.TABLE, table);
    }

    /** Another URL for the same database: a store of "another host", which releases here do not wake. */
    private static TestContext elsewhere(String table) {
        return TestContext.mariadb(db.url() + "?tcpKeepAlive=true").with(JdbcLeaseStoreFactory.TABLE, table);
    }

    @Test
    @DisplayName("a release wakes the watchers of every store of this JVM on that table at once (not by polling),"
            + " and only those")
    void releaseWakesThisJvmAtOnce() throws Exception {
        String table = Db.uniqueTable("wake");
        AtomicInteger b = new AtomicInteger();
        AtomicInteger otherTable = new AtomicInteger();
        AtomicInteger otherName = new AtomicInteger();
        try (LeaseStore leader = here(table).store(); LeaseStore follower = here(table).store();
                LeaseStore unrelated = here(Db.uniqueTable("wake")).store()) {
            long token = leader.tryAcquire("job", "a", LONG).orElseThrow().token();
            assertTrue(follower.watch("job", b::incrementAndGet).isPresent(), "MariaDB watches leases");
            unrelated.watch("job", otherTable::incrementAndGet).orElseThrow();
            follower.watch("other", otherName::incrementAndGet).orElseThrow();
            long t0 = System.nanoTime();
            assertTrue(leader.release("job", "a", token));
            Await.until("the follower's watcher is called", () -> b.get() > 0, Timing.scaled(Duration.ofSeconds(5)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            // At once, not by its poll (the factory's default interval here is 6 s: a fifth of a 30 s ttl).
            assertTrue(ms < Timing.scaled(Duration.ofSeconds(1)).toMillis(), "woken after " + ms + " ms");
            Thread.sleep(100);
            assertEquals(1, b.get(), "woken once");
            assertEquals(0, otherTable.get(), "a store on another table");
            assertEquals(0, otherName.get(), "a watcher of another lease");
            assertFalse(leader.release("job", "a", token));
            assertEquals(1, b.get(), "a refused release wakes nobody");
        }
    }

    @Test
    @DisplayName("a release on another host is found by the follower's poll within its interval; a held lease is not;"
            + " a release does not wake stores on another database key")
    void releaseElsewhereIsPolled() throws Exception {
        String table = Db.uniqueTable("poll");
        Duration poll = Duration.ofMillis(300);
        AtomicInteger woken = new AtomicInteger();
        AtomicInteger slowWoken = new AtomicInteger();
        // A second store "elsewhere" (its own URL, so its own database key) whose first poll is 20 s away (below the
        // test context's 30 s ttl), far beyond the checks below: only a wake-up by the release itself could reach it
        // during the test. (The fast poller cannot tell: its poll may find the release at any moment after it.)
        TestContext slow = TestContext.mariadb(db.url() + "?tcpKeepAlive=true&connectTimeout=30000")
                .with(JdbcLeaseStoreFactory.TABLE, table).with(JdbcLeaseStoreFactory.POLL_INTERVAL, "20s");
        try (LeaseStore leader = here(table).store();
                LeaseStore follower = elsewhere(table).with(JdbcLeaseStoreFactory.POLL_INTERVAL, "300ms").store();
                LeaseStore slowPoller = slow.store()) {
            long token = leader.tryAcquire("job", "a", LONG).orElseThrow().token();
            assertTrue(follower.read("job").isPresent());
            assertTrue(slowPoller.read("job").isPresent());
            follower.watch("job", woken::incrementAndGet).orElseThrow();
            slowPoller.watch("job", slowWoken::incrementAndGet).orElseThrow();
            Thread.sleep(poll.multipliedBy(4).toMillis());
            assertEquals(0, woken.get(), "polls while the lease is held wake nobody");
            long t0 = System.nanoTime();
            assertTrue(leader.release("job", "a", token));
            Await.until("the poll finds the release", () -> woken.get() > 0, Timing.scaled(Duration.ofSeconds(10)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < Timing.scaled(poll.multipliedBy(3)).toMillis(), "woken after " + ms + " ms");
            // A wake-up by the release would have reached the slow poller as early as the fast one's poll, or earlier.
            Thread.sleep(100);
            assertEquals(0, slowWoken.get(), "a store on another database key is not woken by the release");
        }
    }

    @Test
    @DisplayName("graceful handover takes a fraction of the ttl: in this JVM at once, from another host by polling")
    void gracefulHandover() throws Exception {
        Duration ttl = Timing.scaled(Duration.ofSeconds(6));
        for (boolean sameJvm : new boolean[] {true, false}) {
            String table = Db.uniqueTable("handover");
            long ms = handover(here(table).shortestTtl(ttl), (sameJvm ? here(table) : elsewhere(table))
                    .shortestTtl(ttl), ttl, false);
            System.out.println("MariaDB graceful handover, " + (sameJvm ? "same JVM" : "another host") + ": " + ms
                    + " ms (ttl " + ttl.toMillis() + " ms)");
            assertTrue(ms < ttl.toMillis() / 3, (sameJvm ? "same JVM" : "another host") + ": " + ms + " ms");
        }
    }

    @Test
    @DisplayName("stepDown hands the lease to a follower on another host, which the poll wakes within the back-off")
    void stepDownHandsOverElsewhere() throws Exception {
        Duration ttl = Timing.scaled(Duration.ofSeconds(6));
        String table = Db.uniqueTable("stepdown");
        long ms = handover(here(table).shortestTtl(ttl), elsewhere(table).shortestTtl(ttl), ttl, true);
        assertTrue(ms < ttl.toMillis() / 2, ms + " ms");
    }

    /** @return ms from the leader's close (or stepDown) to the follower leading; the stepped-down one must not lead */
    private static long handover(TestContext leaderStore, TestContext followerStore, Duration ttl, boolean stepDown)
            throws Exception {
        ElectionSettings settings = ElectionSettings.of(ttl, ttl.dividedBy(3));
        Baton a = Baton.builder().participant("a").defaults(settings).store(leaderStore.store()).build();
        try (Baton b = Baton.builder().participant("b").defaults(settings).store(followerStore.store()).build()) {
            LeaderElection ea = a.election("jobs");
            assertTrue(ea.awaitLeadership(Timing.scaled(Duration.ofSeconds(20))));
            LeaderElection eb = b.election("jobs");
            Thread.sleep(500); // the follower reads the holder and opens its watch
            assertFalse(eb.isLeader());
            long t0 = System.nanoTime();
            if (stepDown) {
                ea.stepDown();
            } else {
                a.close();
            }
            Await.until("the follower leads", eb::isLeader, ttl.multipliedBy(3));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            if (stepDown) {
                Thread.sleep(ttl.toMillis() / 2);
                assertTrue(eb.isLeader() && !ea.isLeader(), "the lease stayed with the follower");
            }
            return ms;
        } finally {
            a.close();
        }
    }
}
