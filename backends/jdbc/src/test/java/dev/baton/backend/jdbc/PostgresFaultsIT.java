package dev.baton.backend.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Faults under a running election, each on a PostgreSQL of its own: restarts, cut and silent connections, a frozen
 * server, a database that appears after the application.
 *
 * <p>Safety is asserted unconditionally; liveness with generous bounds (scaled by {@code baton.test.timing-multiple}),
 * which cost time only when a test fails. A test whose subject is not expiry uses a long lease, so that a busy
 * machine starving the renewal thread cannot end a tenure the test expects to go on.
 */
class PostgresFaultsIT {
    /** The short lease of the tests about stepping down by the deadline. */
    private static final Duration TTL = Timing.scaled(Duration.ofSeconds(2));
    private static final ElectionSettings SETTINGS = ElectionSettings.of(TTL, TTL.dividedBy(4));
    /** A lease no busy machine loses to a starved renewal thread within a test. */
    private static final Duration LONG_TTL = Timing.scaled(Duration.ofSeconds(10));
    /** The bound (before scaling) on things that normally take milliseconds to a few seconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(30);

    private static LeaseStore store(String url, Duration ttl) {
        // Default timeout: a third of the ttl.
        return TestContext.postgres(url).shortestTtl(ttl).store();
    }

    private static Baton baton(String id, String url, Events events) {
        return baton(id, url, events, SETTINGS);
    }

    private static Baton baton(String id, String url, Events events, ElectionSettings settings) {
        Baton b = Baton.builder().participant(id).defaults(settings).store(store(url, settings.ttl())).build();
        b.onChange(events);
        return b;
    }

    /** A leader and the token it holds, read together. */
    private record Led(LeaderElection election, long token) {}

    private static Optional<Led> leading(LeaderElection... elections) {
        for (LeaderElection e : elections) {
            var token = e.fencingToken();
            if (token.isPresent()) {
                return Optional.of(new Led(e, token.getAsLong()));
            }
        }
        return Optional.empty();
    }

    /** Waits on the clock, not on another thread: until {@code nanos} (a {@link System#nanoTime()} value) has passed. */
    private static void sleepUntil(long nanos) throws InterruptedException {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            Thread.sleep(Math.max(1, left / 1_000_000));
        }
    }

    /** @return whether every tenure this participant announced has also been announced ended */
    private static boolean everyTermEnded(Events e) {
        return e.count(Role.LEADER) == e.count(Role.FOLLOWER);
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
                Led before = Await.untilPresent("a leader", () -> leading(n1, n2), GENEROUS);

                pg.stop();
                long stopped = System.nanoTime();
                // Safety, whatever the threads did meanwhile: every grant came from a request sent before the server
                // stopped, and is trusted until at most the send time plus the ttl (minus the margin). So from
                // `stopped + TTL` on nobody may lead, on the clock alone.
                sleepUntil(stopped + TTL.toNanos()); // an instant on the clock, not synchronisation
                assertFalse(n1.isLeader() || n2.isLeader(), "a participant still leads a ttl after the database "
                        + "stopped: " + e1 + " / " + e2);
                // Liveness: every tenure is announced ended (the event follows the deadline check, asynchronously); the
                // last one (the tenure running when the database went) by its deadline, for want of the database.
                Await.until("every tenure announced ended: " + e1 + " / " + e2,
                        () -> everyTermEnded(e1) && everyTermEnded(e2), GENEROUS);
                LeadershipChanged last = Stream.concat(e1.all().stream(), e2.all().stream())
                        .max(Comparator.comparing(LeadershipChanged::at)).orElseThrow();
                assertEquals(Role.FOLLOWER, last.role(), e1 + " / " + e2);
                assertTrue(List.of(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED).contains(last.cause()),
                        "the last tenure ended " + last.cause() + ": " + e1 + " / " + e2);
                Await.until("both participants report the unreachable database",
                        () -> n1.status().lastError().isPresent() && n2.status().lastError().isPresent(), GENEROUS);
                assertFalse(n1.isLeader() || n2.isLeader(), "nobody may lead without the database");

                pg.startAgain();
                Led after = Await.untilPresent("a leader after the restart", () -> leading(n1, n2), GENEROUS);
                assertTrue(after.token() >= before.token(), "fencing tokens never go back: " + before.token()
                        + " then " + after.token());
                Await.until("both participants reach the database again",
                        () -> n1.status().lastError().isEmpty() && n2.status().lastError().isEmpty(), GENEROUS);
            }
        }
    }

    @Test
    @DisplayName("connections cut mid-renew and restored well within the ttl: the leader keeps its tenure")
    void cutMidRenew() throws Exception {
        // The outage (an eighth of the ttl) and the recovery after it must fit in the ttl minus the margin; with a
        // lease of seconds that holds on a busy machine too, so the tenure must survive.
        ElectionSettings settings = ElectionSettings.of(LONG_TTL, LONG_TTL.dividedBy(4));
        try (PostgresServer pg = PostgresServer.start(); TcpProxy proxy = TcpProxy.start("127.0.0.1", pg.port())) {
            Events events = new Events();
            try (Baton b = baton("node-1", PostgresServer.url(proxy.port()), events, settings)) {
                LeaderElection election = b.election("jobs");
                assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)));
                long token = election.fencingToken().orElseThrow();
                // Slow every exchange (a fifth of the renew interval of latency each way) so a renewal is often in
                // flight, then cut everything at once.
                proxy.setDelay(settings.renewInterval().dividedBy(5));
                Thread.sleep(settings.renewInterval().toMillis()); // fault timing: let a renewal start on the slow link
                proxy.cut();
                Thread.sleep(LONG_TTL.dividedBy(8).toMillis()); // the outage: far shorter than the ttl minus retries
                proxy.setDelay(Duration.ZERO);
                proxy.restore();
                Await.until("renewals succeed again", () -> election.status().lastError().isEmpty()
                        && election.status().backendReachable(), GENEROUS);
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
                assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)));
                proxy.blackhole();
                long silent = System.nanoTime();
                // Safety, on the clock alone: no answer crosses the proxy after this, so every grant came from a
                // request sent before `silent` and is trusted until at most that plus the ttl.
                sleepUntil(silent + TTL.toNanos()); // an instant on the clock, not synchronisation
                assertFalse(election.isLeader(), () -> "still leading a ttl after the network went silent: "
                        + events);
                Await.until("the step-down event " + events, () -> everyTermEnded(events), GENEROUS);
                assertTrue(events.any(Role.FOLLOWER, ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED),
                        events::toString);
                proxy.restore();
                assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)), events::toString);
            }
        }
    }

    @Test
    @DisplayName("a frozen database: every operation fails within maxCallTime, then works again once it thaws")
    void frozenDatabase() throws Exception {
        // The budget is a third of the ttl: with the long one, seconds, so that the first connection (and its
        // authentication) succeeds on a busy machine too; what matters below is that a call is bounded at all.
        try (PostgresServer pg = PostgresServer.start(); LeaseStore store = store(pg.url(), LONG_TTL)) {
            long token = store.tryAcquire("job", "a", LONG_TTL).orElseThrow().token();
            pg.process().pause();
            try {
                for (Runnable op : List.<Runnable>of(() -> store.renew("job", "a", token, LONG_TTL),
                        () -> store.tryAcquire("other", "a", LONG_TTL), () -> store.read("job"))) {
                    long t0 = System.nanoTime();
                    assertThrows(LeaseStoreException.class, op::run);
                    Duration took = Duration.ofNanos(System.nanoTime() - t0);
                    // Without its budget a call would hang on the frozen server; the slack covers a busy machine.
                    assertTrue(took.compareTo(store.maxCallTime().plus(Timing.scaled(Duration.ofSeconds(2)))) < 0,
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
            }, GENEROUS);
        }
    }

    @Test
    @DisplayName("an application started before its database: it leads by itself once the database appears")
    void databaseAppearsLater() throws Exception {
        int port = FreePorts.next();
        Events events = new Events();
        // Not about expiry: once it leads, the node keeps leading however busy the machine (retries while the
        // database is missing back off to at most a renew interval, 2.5 s).
        ElectionSettings settings = ElectionSettings.of(LONG_TTL, LONG_TTL.dividedBy(4));
        try (Baton b = baton("node-1", PostgresServer.url(port), events, settings)) {
            LeaderElection election = b.election("jobs");
            Await.until("the status reports the unreachable database",
                    () -> election.status().lastError().isPresent(), GENEROUS);
            assertFalse(election.isLeader());
            try (PostgresServer pg = PostgresServer.start(port)) {
                assertTrue(election.awaitLeadership(Timing.scaled(GENEROUS)), () -> election.status().toString());
                // Events arrive on Baton's event thread, a moment after the role changed.
                Await.until("one ACQUIRED event", () -> events.count(Role.LEADER) == 1, GENEROUS);
                assertEquals(0, events.count(Role.FOLLOWER), events::toString);
            }
        }
    }
}
