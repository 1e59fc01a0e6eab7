package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.Role;
import dev.baton.Term;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: wait for guarded work, then release so a follower takes over at once. */
class ShutdownTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("close() waits for open terms, announces SHUTDOWN, releases, and the follower leads at once")
    void gracefulHandover() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        Term term = a.election.tryEnter().orElseThrow();
        CountDownLatch closing = new CountDownLatch(1);
        CompletableFuture<Void> closed = CompletableFuture.runAsync(() -> {
            closing.countDown();
            a.baton.close();
        });
        closing.await();
        // The guarded work is still running: the lease is still ours.
        assertFalse(closed.isDone());
        assertEquals("a", fx.store.read("jobs").orElseThrow().holder());
        term.close();
        closed.get(5, TimeUnit.SECONDS);
        var end = a.nextEvent();
        assertEquals(ChangeCause.SHUTDOWN, end.cause());
        assertEquals(Role.FOLLOWER, end.role());
        assertTrue(fx.store.read("jobs").isEmpty() || !"a".equals(fx.store.read("jobs").get().holder()));
        fx.clock.runDueTasks();
        assertTrue(b.election.isLeader());
    }

    @Test
    @DisplayName("a guarded term is valid only for the term it was entered in")
    void termValidity() {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        try (Term term = a.election.tryEnter().orElseThrow()) {
            assertTrue(term.isValid());
            a.election.stepDown();
            assertFalse(term.isValid());
        }
    }

    @Test
    @DisplayName("a follower's close() releases nothing and announces nothing")
    void followerShutdown() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        int releases = fx.store.releases.get();
        b.baton.close();
        assertEquals(releases, fx.store.releases.get());
        assertTrue(b.events.isEmpty());
        assertTrue(a.election.isLeader());
    }
}
