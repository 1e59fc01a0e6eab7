package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.Role;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.FreePorts;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults under a running election, each on a PostgreSQL of its own: restarts, cut and silent connections, a frozen
 * server, a database that appears after the application.
 */
class PostgresFaultsIT {
    private static final Duration TTL = Timing.scaled(Duration.ofSeconds(2));
    private static final ElectionSettings SETTINGS = ElectionSettings.of(TTL, TTL.dividedBy(4));
    private static final Duration SLACK = Timing.scaled(Duration.ofMillis(700));

    private static LeaseStore store(String url) {
        // Default timeout: a third of the ttl.
        return TestContext.postgres(url).shortestTtl(TTL).store();
    }

    private static Baton baton(String id, String url, Events events) {
        Baton b = Baton.builder().participant(id).defaults(SETTINGS).store(store(url)).build();
        b.onChange(events);
        return b;
    }

    @Test
    @DisplayName("database restarted under a leader: it steps down by its deadline, and the cluster recovers by "
            + "itself once the database is back")
    void restartUnderLeader() throws Exception {
        try (PostgresServer pg = PostgresServer.start()) {
            Events e1 = new Events();
            Events e2 = new Events();
            try (Baton b1 = baton("node-1", pg.url(), e1); Baton b2 = baton("node-2", pg.url(), e2)) {
                LeaderElection n1 = b1.election("jobs");
                LeaderElection n2 = b2.election("jobs");
                Await.until("a leader", () -> n1.isLeader() || n2.isLeader(), Timing.scaled(Duration.ofSeconds(10)));
                LeaderElection leader = n1.isLeader() ? n1 : n2;
                Events leaderEvents = leader == n1 ? e1 : e2;
                long token = leader.fencingToken().orElseThrow();

                long t0 = System.nanoTime();
                pg.stop();
                Await.until("the leader steps down", () -> !leader.isLeader(), TTL.plus(SLACK));
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(TTL.plus(SLACK)) <= 0);
                // isLeader() turns false on the clock; the event follows from the deadline check, asynchronously.
                Await.until("the step-down event " + leaderEvents,
                        () -> leaderEvents.any(Role.FOLLOWER, ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED),
                        TTL.plus(SLACK));
                assertFalse(n1.isLeader() || n2.isLeader(), "nobody may lead without the database");
                assertTrue(leader.status().lastError().isPresent(), () -> leader.status().toString());

                pg.startAgain();
                Await.until("a leader after the restart", () -> n1.isLeader() || n2.isLeader(),
                        Timing.scaled(Duration.ofSeconds(15)));
                LeaderElection next = n1.isLeader() ? n1 : n2;
                assertTrue(next.fencingToken().orElseThrow() >= token);
                Await.until("both participants reach the database again",
                        () -> n1.status().lastError().isEmpty() && n2.status().lastError().isEmpty(),
                        Timing.scaled(Duration.ofSeconds(10)));
            }
        }
    }

    @Test
    @DisplayName("connections cut mid-renew and restored within the ttl: the leader keeps its term")
    void cutMidRenew() throws Exception {
        try (PostgresServer pg = PostgresServer.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", pg.port())) {
            Events events = new Events();
            try (Baton b = baton("node-1", PostgresServer.url(proxy.port()), events)) {
                LeaderElection election = b.election("jobs");
                assertTrue(election.awaitLeadership(Timing.scaled(Duration.ofSeconds(10))));
                long token = election.fencingToken().orElseThrow();
                // Slow every exchange so a renewal is almost always in flight, then cut everything at once.
                proxy.setDelay(Duration.ofMillis(100));
                Thread.sleep(TTL.dividedBy(4).toMillis()); // let a renewal start on the slow link
                proxy.cut();
                Thread.sleep(TTL.dividedBy(8).toMillis()); // the outage: shorter than the ttl minus retries
                proxy.setDelay(Duration.ZERO);
                proxy.restore();
                Await.until("renewals succeed again", () -> election.status().lastError().isEmpty()
                        && election.status().backendReachable(), TTL.multipliedBy(2));
                assertTrue(election.isLeader(), events::toString);
                assertEquals(token, election.fencingToken().orElseThrow());
                assertEquals(0, events.count(Role.FOLLOWER), events::toString);
            }
        }
    }

    @Test
    @DisplayName("a silent network (blackhole): hung renewals time out and the leader steps down by its deadline; "
            + "it leads again once the network heals")
    void blackhole() throws Exception {
        try (PostgresServer pg = PostgresServer.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", pg.port())) {
            Events events = new Events();
            try (Baton b = baton("node-1", PostgresServer.url(proxy.port()), events)) {
                LeaderElection election = b.election("jobs");
                assertTrue(election.awaitLeadership(Timing.scaled(Duration.ofSeconds(10))));
                long t0 = System.nanoTime();
                proxy.blackhole();
                Await.until("the leader steps down", () -> !election.isLeader(), TTL.plus(SLACK));
                assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(TTL.plus(SLACK)) <= 0);
                Await.until("the step-down event", () -> events.any(Role.FOLLOWER, ChangeCause.BACKEND_UNAVAILABLE,
                        ChangeCause.EXPIRED), SLACK);
                proxy.restore();
                assertTrue(election.awaitLeadership(Timing.scaled(Duration.ofSeconds(15))), events::toString);
            }
        }
    }

    @Test
    @DisplayName("a frozen database: every operation fails within maxCallTime, then works again once it thaws")
    void frozenDatabase() throws Exception {
        try (PostgresServer pg = PostgresServer.start(); LeaseStore store = store(pg.url())) {
            long token = store.tryAcquire("job", "a", TTL).orElseThrow().token();
            pg.process().pause();
            try {
                for (Runnable op : List.<Runnable>of(() -> store.renew("job", "a", token, TTL),
                        () -> store.tryAcquire("other", "a", TTL), () -> store.read("job"))) {
                    long t0 = System.nanoTime();
                    assertThrows(LeaseStoreException.class, op::run);
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    assertTrue(took.compareTo(store.maxCallTime().plus(Timing.scaled(Duration.ofMillis(300)))) < 0,
                            "took " + took + " with maxCallTime " + store.maxCallTime());
                }
            } finally {
                pg.process().resume();
            }
            Await.until("the store answers again", () -> {
                try {
                    store.read("job");
                    return true;
                } catch (LeaseStoreException e) {
                    return false;
                }
            }, Timing.scaled(Duration.ofSeconds(10)));
        }
    }

    @Test
    @DisplayName("an application started before its database: it leads by itself once the database appears")
    void databaseAppearsLater() throws Exception {
        int port = FreePorts.next();
        Events events = new Events();
        try (Baton b = baton("node-1", PostgresServer.url(port), events)) {
            LeaderElection election = b.election("jobs");
            Await.until("the status reports the unreachable database",
                    () -> election.status().lastError().isPresent(), Timing.scaled(Duration.ofSeconds(10)));
            assertFalse(election.isLeader());
            try (PostgresServer pg = PostgresServer.start(port)) {
                assertTrue(election.awaitLeadership(Timing.scaled(Duration.ofSeconds(15))),
                        () -> election.status().toString());
                // Events arrive on Baton's event thread, a moment after the role changed.
                Await.until("one ACQUIRED event", () -> events.count(Role.LEADER) == 1, SLACK);
                assertEquals(0, events.count(Role.FOLLOWER), events::toString);
            }
        }
    }
}
