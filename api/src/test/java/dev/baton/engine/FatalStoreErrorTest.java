package dev.baton.engine;

import static dev.baton.engine.EngineFixture.RENEW;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.spi.LeaseRecord;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * A {@link VirtualMachineError} thrown by a store call (out of memory, stack overflow) ends the tenure or lease at once
 * and reaches the caller as the very same error, never wrapped; other errors stay failed calls that are retried.
 */
class FatalStoreErrorTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.store.error = null; // else close() would rethrow it from its release (JUnit ends the run on one)
        fx.close();
    }

    @Test
    @DisplayName("an OutOfMemoryError from a renewal ends the tenure at once, is rethrown as is, and the lease is"
            + " released")
    void outOfMemoryEndsTheTenure() throws Exception {
        var a = fx.leader("a");
        OutOfMemoryError oom = new OutOfMemoryError("fake: Java heap space");
        fx.store.error = oom;
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> fx.advance(RENEW)));
        assertFalse(a.election.isLeader(), "no longer leading, well before the local deadline");
        LeadershipChanged end = a.nextEvent();
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE, end.cause());
        assertEquals(end.at(), end.validUntil(), "valid until the decision");
        fx.store.error = null;
        fx.clock.runDueTasks(); // the release queued when the tenure ended
        assertEquals(Optional.empty(), fx.store.read("jobs").map(LeaseRecord::holder));
        fx.advance(TTL);
        assertTrue(a.election.isLeader(), "the election goes on and leads again after its back-off");
    }

    @Test
    @DisplayName("a StackOverflowError from a follower's acquire is rethrown as is and the election retries")
    void stackOverflowOnAFollower() throws Exception {
        fx.store.error = new StackOverflowError("fake");
        var a = fx.participant("a");
        StackOverflowError thrown = assertThrows(StackOverflowError.class, fx.clock::runDueTasks);
        assertSame(fx.store.error, thrown);
        fx.store.error = null;
        fx.advance(RENEW);
        assertTrue(a.election.isLeader(), "the acquire was retried");
    }

    @Test
    @DisplayName("an OutOfMemoryError from a batched renewal ends the tenure of every group in the batch")
    void outOfMemoryInABatch() throws Exception {
        fx.store.batchLimit = 10;
        var a = fx.leader("a");
        LeaderElection other = a.baton.election("other");
        fx.clock.runDueTasks();
        assertTrue(other.isLeader());
        fx.store.error = new OutOfMemoryError("fake");
        assertThrows(OutOfMemoryError.class, () -> fx.advance(RENEW));
        assertFalse(a.election.isLeader());
        assertFalse(other.isLeader());
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE, a.nextEvent().cause());
    }

    @Test
    @DisplayName("an OutOfMemoryError from a one-off lease's renewal ends the lease and is rethrown as is")
    void outOfMemoryEndsAOneOffLease() throws Exception {
        var a = fx.leader("a");
        // Renewed every 2 s, before the group "jobs" of the fixture renews (3 s).
        HeldLease lease = a.baton.leases().tryAcquire("bootstrap", Duration.ofSeconds(6)).orElseThrow();
        OutOfMemoryError oom = new OutOfMemoryError("fake");
        fx.store.error = oom;
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> fx.advance(Duration.ofSeconds(2))));
        assertFalse(lease.isValid());
        fx.store.error = null;
        fx.clock.runDueTasks(); // the release
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE,
                lease.ended().toCompletableFuture().get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(fx.store.read("bootstrap").isEmpty(), "released");
    }

    @Test
    @DisplayName("an OutOfMemoryError from a batch holding a group's and a one-off lease's renewal ends both; the"
            + " lease is released")
    void outOfMemoryInABatchWithAOneOffLease() throws Exception {
        fx.store.batchLimit = 10;
        var a = fx.leader("a");
        // The lease renews every 3 s, as the group does: whichever is due first takes the other along.
        HeldLease lease = a.baton.leases().tryAcquire("bootstrap", Duration.ofSeconds(9)).orElseThrow();
        fx.clock.runDueTasks();
        OutOfMemoryError oom = new OutOfMemoryError("fake");
        fx.store.error = oom;
        assertSame(oom, assertThrows(OutOfMemoryError.class, () -> fx.advance(RENEW)));
        assertEquals(2, fx.store.largestBatch.get(), "the two renewals went in one batch");
        assertFalse(a.election.isLeader());
        assertFalse(lease.isValid());
        fx.store.error = null;
        fx.clock.runDueTasks(); // the releases
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE, a.nextEvent().cause());
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE,
                lease.ended().toCompletableFuture().get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS));
        assertTrue(fx.store.read("bootstrap").isEmpty(), "released");
    }

    @Test
    @DisplayName("the production scheduler hands a VirtualMachineError to the thread's uncaught-exception handler")
    void schedulerReportsVirtualMachineErrors() throws Exception {
        AtomicReference<Throwable> reported = new AtomicReference<>();
        CountDownLatch handled = new CountDownLatch(1);
        CountDownLatch later = new CountDownLatch(1);
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((t, e) -> {
            reported.set(e);
            handled.countDown();
        });
        try (ThreadPoolScheduler scheduler = new ThreadPoolScheduler(1)) {
            OutOfMemoryError oom = new OutOfMemoryError("fake");
            scheduler.schedule(() -> {
                throw oom;
            }, 0);
            scheduler.schedule(later::countDown, 0);
            assertTrue(handled.await(Waits.generous().toMillis(), TimeUnit.MILLISECONDS), "not reported");
            assertSame(oom, reported.get());
            assertTrue(later.await(Waits.generous().toMillis(), TimeUnit.MILLISECONDS), "the thread serves on");
        } finally {
            Thread.setDefaultUncaughtExceptionHandler(previous);
        }
    }
}
