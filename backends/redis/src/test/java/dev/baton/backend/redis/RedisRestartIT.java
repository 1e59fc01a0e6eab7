package dev.baton.backend.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Redis going away under running participants: stopped, restarted empty (no persistence), flushed, not yet started.
 * The engine must step down by its deadline, recover without an application restart, and fencing tokens must keep
 * increasing although Redis forgot every key.
 *
 * <p>Safety (nobody leads past the deadline of a grant asked for before Redis stopped; tokens grow) is asserted
 * unconditionally; liveness with generous bounds ({@link #LIVENESS}, scaled), which only cost time on failure.
 */
class RedisRestartIT {
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    /** Call timeout of stores used directly by a test that is not about timing: a slow answer is not a failure. */
    private static final Duration PATIENT_CALL = Duration.ofSeconds(5);

    private final ElectionSettings settings =
            ElectionSettings.of(Timing.scaled(Duration.ofSeconds(2)), Timing.scaled(Duration.ofMillis(500)));
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RedisServer server;

    @BeforeEach
    void startServer() {
        server = new RedisServer().start();
    }

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        server.close();
    }

    /** A store with the call timeout the factory would choose for the ttl: a third of it. */
    private LeaseStore store(String uri) {
        return store(uri, settings.ttl().dividedBy(3));
    }

    private LeaseStore store(String uri, Duration timeout) {
        return store(uri, timeout, RestartQuarantine.AUTO);
    }

    private LeaseStore store(String uri, Duration timeout, RestartQuarantine quarantine) {
        LeaseStore s = RedisLeaseStore.builder().uri(uri).timeout(timeout).restartQuarantine(quarantine).build();
        toClose.add(s);
        return s;
    }

    private LeaderElection participant(String id, String group, String uri) {
        Baton baton = Baton.builder().participant(id).store(store(uri)).defaults(settings)
                .shutdownTimeout(Duration.ofSeconds(2)).build();
        toClose.add(baton);
        return baton.election(group);
    }

    /** A participant's tenure as seen at one instant. */
    private record Held(LeaderElection election, long token) {}

    /** @return the participant leading at this instant, with the token of its tenure */
    private static Optional<Held> leading(LeaderElection... elections) {
        for (LeaderElection e : elections) {
            OptionalLong token = e.fencingToken();
            if (token.isPresent()) {
                return Optional.of(new Held(e, token.getAsLong()));
            }
        }
        return Optional.empty();
    }

    /**
     * Waits until none of {@code elections} leads, and fails if any sample taken after {@code latestDeadline} (on
     * {@link System#nanoTime()}) still finds one leading. The sample's time is read before {@code isLeader()}, so a
     * late sample (a busy machine) can only miss a violation, never report a false one.
     */
    private static void awaitNobodyLeadsBy(long latestDeadline, LeaderElection... elections) {
        Await.until("every participant has stepped down", () -> {
            boolean anyLeads = false;
            for (LeaderElection e : elections) {
                long sampledAt = System.nanoTime();
                if (e.isLeader()) {
                    anyLeads = true;
                    if (sampledAt - latestDeadline > 0) {
                        throw new AssertionError(e.participant() + " still leads " + (sampledAt - latestDeadline)
                                / 1_000_000 + " ms after the latest possible deadline of a grant made before Redis "
                                + "stopped");
                    }
                }
            }
            return !anyLeads;
        }, LIVENESS);
    }

    @Test
    @DisplayName("the leader steps down by its deadline when Redis stops; after Redis restarts empty (and its restart "
            + "quarantine of one ttl) a leader is elected again, without restarting anything, with a greater token")
    void restartUnderLeader() {
        LeaderElection a = participant("a", "restart", server.uri());
        LeaderElection b = participant("b", "restart", server.uri());
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        a.onChange(events::add);
        b.onChange(events::add);
        Held first = Await.untilPresent("a leader is elected", () -> leading(a, b), LIVENESS);

        server.stop();
        // stop() returns once redis-server has exited, so every grant was asked for before this instant and is
        // trusted for less than a ttl after it; while Redis is down nobody can get a new one.
        long latestDeadline = System.nanoTime() + settings.ttl().toNanos();
        Optional<Held> atStop = leading(a, b);
        awaitNobodyLeadsBy(latestDeadline, a, b);
        // The tenure that was live when Redis went away ends for want of Redis, and says so: BACKEND_UNAVAILABLE once a
        // renewal failed, EXPIRED if a starved machine reached the deadline before any renewal attempt failed.
        atStop.ifPresent(held -> Await.until(held.election().participant() + " announces why its tenure ended",
                () -> events.stream().anyMatch(e -> e.lost() && e.participant().equals(held.election().participant())
                        && e.fencingToken().equals(OptionalLong.of(held.token()))
                        && (e.cause() == ChangeCause.BACKEND_UNAVAILABLE || e.cause() == ChangeCause.EXPIRED)),
                LIVENESS));
        long before = Math.max(first.token(), atStop.map(Held::token).orElse(first.token()));

        server.startAgain();
        Held next = Await.untilPresent("a leader after Redis restarted", () -> leading(a, b), LIVENESS);
        assertTrue(next.token() > before, "token after the restart " + next.token() + " must exceed " + before
                + "; events: " + events);
    }

    @Test
    @DisplayName("with the restart quarantine off, tokens keep increasing when Redis loses its data (restart without "
            + "persistence, then FLUSHALL), and the old holder learns at its next renewal that it lost the lease")
    void tokensSurviveDataLoss() {
        // Not about timing: patient calls, so a slow answer on a busy machine is not a failure. The quarantine is off
        // because this test is about tokens: with it, the restarted server would grant nothing for the 30 s ttl
        // (RedisRestartQuarantineIT tests that).
        LeaseStore first = store(server.uri(), PATIENT_CALL, RestartQuarantine.OFF);
        LeaseStore second = store(server.uri(), PATIENT_CALL, RestartQuarantine.OFF);
        Duration ttl = Duration.ofSeconds(30);
        LeaseRecord r1 = first.tryAcquire("data-loss", "a", ttl).orElseThrow();

        server.stop();
        server.startAgain();
        LeaseRecord r2 = Await.untilPresent("an acquire after the restart", () -> {
            try {
                return second.tryAcquire("data-loss", "b", ttl);
            } catch (LeaseStoreException e) {
                return Optional.empty(); // reconnecting
            }
        }, LIVENESS);
        assertEquals("b", r2.holder(), "the restarted server forgot a's lease");
        assertTrue(r2.token() > r1.token(), r2.token() + " must exceed " + r1.token());
        assertTrue(Await.untilPresent("a's renewal answers", () -> {
            try {
                return Optional.of(first.renew("data-loss", "a", r1.token(), ttl).isEmpty());
            } catch (LeaseStoreException e) {
                return Optional.empty();
            }
        }, LIVENESS), "a's renewal must be refused: its lease is gone");

        try (RedisAdmin admin = new RedisAdmin(server.uri())) {
            admin.sync().flushall();
        }
        assertTrue(second.release("data-loss", "b", r2.token()) == false, "the flushed lease is gone");
        LeaseRecord r3 = first.tryAcquire("data-loss", "a", ttl).orElseThrow();
        assertTrue(r3.token() > r2.token(), r3.token() + " must exceed " + r2.token());
    }

    @Test
    @DisplayName("an application started before Redis leads by itself once Redis is up")
    void startedBeforeRedis() {
        int port = FreePorts.next();
        String uri = "redis://127.0.0.1:" + port;
        LeaseStore store = new RedisLeaseStoreFactory().create(new MapStoreContext().with("baton.redis.uri", uri)
                .shortestTtl(settings.ttl()));
        toClose.add(store);
        Baton baton = Baton.builder().participant("early").store(store).defaults(settings).build();
        toClose.add(baton);
        LeaderElection early = baton.election("early-bird");
        assertFalse(early.isLeader());
        try (RedisServer late = RedisServer.onPort(port).start()) {
            assertEquals(port, late.port());
            Await.until("the early participant leads", early::isLeader, LIVENESS);
        }
    }
}
