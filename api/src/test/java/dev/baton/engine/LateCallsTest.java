package dev.baton.engine;

import static dev.baton.engine.EngineFixture.RENEW;
import static dev.baton.engine.EngineFixture.SETTINGS;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Calls that reach the store after the participant gave up on them: on a link too slow for the call timeout a
 * request still arrives, and what it writes takes effect, but its answer comes too late.
 */
class LateCallsTest {
    private final EngineFixture fx = new EngineFixture();
    private Baton slowBaton;

    @AfterEach
    void close() {
        if (slowBaton != null) {
            slowBaton.close();
        }
        fx.close();
    }

    /**
     * One participant's client of the shared {@link FakeStore} behind a link that, once {@link #slow}, delivers every
     * write (an acquire or a renewal takes effect) but never an answer in time; a release is lost on the way (a
     * client that reconnects for it cannot), and a read, which writes nothing, simply times out.
     */
    private static final class SlowLink implements LeaseStore {
        final FakeStore store;
        volatile boolean slow;
        final AtomicInteger slowAcquires = new AtomicInteger();

        SlowLink(FakeStore store) {
            this.store = store;
        }

        private <T> T late(T landed) {
            throw new LeaseStoreException("no answer within the call timeout (the request went through)");
        }

        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
            if (slow) {
                slowAcquires.incrementAndGet();
            }
            Optional<LeaseRecord> r = store.tryAcquire(name, holder, ttl);
            return slow ? late(r) : r;
        }

        @Override
        public boolean supportsMetadata() {
            return store.supportsMetadata();
        }

        @Override
        public Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl,
                Map<String, String> metadata) {
            if (slow) {
                slowAcquires.incrementAndGet();
            }
            Optional<LeaseRecord> r = store.tryAcquire(name, holder, ttl, metadata);
            return slow ? late(r) : r;
        }

        @Override
        public Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
            Optional<LeaseRecord> r = store.renew(name, holder, token, ttl);
            return slow ? late(r) : r;
        }

        @Override
        public boolean release(String name, String holder, long token) {
            if (slow) {
                throw new LeaseStoreException("no answer within the call timeout (the request was lost)");
            }
            return store.release(name, holder, token);
        }

        @Override
        public Optional<LeaseRecord> read(String name) {
            if (slow) {
                throw new LeaseStoreException("no answer within the call timeout");
            }
            return store.read(name);
        }

        @Override
        public Optional<AutoCloseable> watch(String name, Runnable onChange) {
            return store.watch(name, onChange);
        }

        @Override
        public Duration maxCallTime() {
            return Duration.ZERO;
        }

        @Override
        public String describe() {
            return "slow link to " + store.describe();
        }

        @Override
        public void close() {}
    }

    @Test
    @DisplayName("after a failed call a participant reads before it acquires, so acquires it gives up on cannot keep"
            + " re-granting the lease to it while the group stays leaderless")
    void lateAcquiresDoNotLockTheGroup() throws Exception {
        SlowLink link = new SlowLink(fx.store);
        List<LeadershipChanged> slowEvents = new CopyOnWriteArrayList<>();
        slowBaton = Baton.builder().store(link).closeStore(false).participant("a").scheduler(fx.clock)
                .defaults(SETTINGS).build();
        slowBaton.onChange(slowEvents::add);
        LeaderElection a = slowBaton.election("jobs");
        fx.clock.runDueTasks();
        assertTrue(a.isLeader());
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertFalse(b.election.isLeader());

        link.slow = true;
        // a's renewals land, unanswered, until its deadline; then it steps down, its release is lost, and it
        // competes again. Every acquire it sent now would land as well and hand the lease back to it (confirming
        // its grant, or granting it anew once free), unknown to a, before b, sleeping until expiry, looks again.
        long slowSince = fx.clock.nanoTime();
        long takeover = -1;
        for (int i = 0; i < 50 && takeover < 0; i++) { // five ttls, in steps of a tenth
            fx.advance(TTL.dividedBy(10));
            if (b.election.isLeader()) {
                takeover = fx.clock.nanoTime();
            }
        }
        assertFalse(a.isLeader());
        // Events arrive on the event thread, which a loaded machine may delay: wait for the end, never assume it came.
        Waits.until("a's tenure ends for BACKEND_UNAVAILABLE or EXPIRED (an event on the event thread)",
                () -> slowEvents.stream().anyMatch(e -> e.cause() == ChangeCause.BACKEND_UNAVAILABLE
                        || e.cause() == ChangeCause.EXPIRED));
        assertTrue(takeover >= 0, () -> "b never led: the store shows " + fx.store.read("jobs") + " after "
                + link.slowAcquires.get() + " acquires of a that it did not see answered");
        // The lease a's last renewal extended runs out at most a ttl after a stopped hearing answers (plus the
        // follower's wake-up slack and a renew interval of back-off), since a wrote nothing more.
        Duration leaderless = Duration.ofNanos(takeover - slowSince);
        assertTrue(leaderless.compareTo(TTL.multipliedBy(2).plus(RENEW)) <= 0, "b led only after " + leaderless);
        assertEquals(0, link.slowAcquires.get(), "a sent no acquire while its reads went unanswered");
    }
}
