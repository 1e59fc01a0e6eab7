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
import dev.baton.tck.fixtures.FreePorts;
import dev.baton.tck.fixtures.MapStoreContext;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Redis going away under running participants: stopped, restarted empty (no persistence), flushed, not yet started.
 * The engine must step down by its deadline, recover without an application restart, and fencing tokens must keep
 * increasing although Redis forgot every key.
 */
class RedisRestartIT {
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

    private LeaseStore store(String uri) {
        LeaseStore s = RedisLeaseStore.builder().uri(uri).timeout(settings.ttl().dividedBy(3)).build();
        toClose.add(s);
        return s;
    }

    private LeaderElection participant(String id, String group, String uri) {
        Baton baton = Baton.builder().participant(id).store(store(uri)).defaults(settings)
                .shutdownTimeout(Duration.ofSeconds(2)).build();
        toClose.add(baton);
        return baton.election(group);
    }

    @Test
    @DisplayName("the leader steps down by its deadline when Redis stops; after Redis restarts empty a leader is "
            + "elected again, without restarting anything, with a greater token")
    void restartUnderLeader() {
        LeaderElection a = participant("a", "restart", server.uri());
        LeaderElection b = participant("b", "restart", server.uri());
        LeaderElection leader = Await.untilPresent("a leader is elected",
                () -> a.isLeader() ? Optional.of(a) : b.isLeader() ? Optional.of(b) : Optional.empty(),
                Duration.ofSeconds(10));
        long before = leader.fencingToken().orElseThrow();
        ConcurrentLinkedQueue<LeadershipChanged> events = new ConcurrentLinkedQueue<>();
        leader.onChange(events::add);

        long stopped = System.nanoTime();
        server.stop();
        Await.until("the leader steps down", () -> !leader.isLeader(), settings.ttl().plusSeconds(1));
        Duration took = Duration.ofNanos(System.nanoTime() - stopped);
        // The last renewal was sent before the stop, so the local deadline is at most one ttl after it.
        assertTrue(took.compareTo(settings.ttl().plus(Timing.scaledMillis(300))) <= 0,
                "stepped down " + took.toMillis() + " ms after Redis stopped; the ttl is " + settings.ttl());
        Await.until("a BACKEND_UNAVAILABLE event", () -> events.stream()
                .anyMatch(e -> e.cause() == ChangeCause.BACKEND_UNAVAILABLE), Duration.ofSeconds(5));
        assertFalse(a.isLeader() || b.isLeader(), "nobody may lead while Redis is down");

        server.startAgain();
        LeaderElection next = Await.untilPresent("a leader after Redis restarted",
                () -> a.isLeader() ? Optional.of(a) : b.isLeader() ? Optional.of(b) : Optional.empty(),
                Duration.ofSeconds(15));
        long after = next.fencingToken().orElseThrow();
        assertTrue(after > before, "token after the restart " + after + " must exceed " + before);
    }

    @Test
    @DisplayName("tokens keep increasing when Redis loses its data (restart without persistence, then FLUSHALL), "
            + "and the old holder learns at its next renewal that it lost the lease")
    void tokensSurviveDataLoss() {
        LeaseStore first = store(server.uri());
        LeaseStore second = store(server.uri());
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
        }, Duration.ofSeconds(10));
        assertEquals("b", r2.holder(), "the restarted server forgot a's lease");
        assertTrue(r2.token() > r1.token(), r2.token() + " must exceed " + r1.token());
        assertTrue(Await.untilPresent("a's renewal answers", () -> {
            try {
                return Optional.of(first.renew("data-loss", "a", r1.token(), ttl).isEmpty());
            } catch (LeaseStoreException e) {
                return Optional.empty();
            }
        }, Duration.ofSeconds(10)), "a's renewal must be refused: its lease is gone");

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
            Await.until("the early participant leads", early::isLeader, Duration.ofSeconds(15));
        }
    }
}
