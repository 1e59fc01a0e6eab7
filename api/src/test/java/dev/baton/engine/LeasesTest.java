package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** One-off leases share the election's safety model. */
class LeasesTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("a held lease excludes others until closed, is kept alive, and is released on close")
    void exclusion() {
        var a = fx.participant("a");
        var b = fx.participant("b");
        HeldLease lease = a.baton.leases().tryAcquire("invoice/42", Duration.ofSeconds(9)).orElseThrow();
        assertTrue(lease.fencingToken() > 0);
        assertTrue(b.baton.leases().tryAcquire("invoice/42", Duration.ofSeconds(9)).isEmpty());
        assertTrue(a.baton.leases().tryAcquire("invoice/42", Duration.ofSeconds(9)).isEmpty(),
                "a second caller of the same participant does not share the grant");
        fx.advance(Duration.ofMinutes(1));
        assertTrue(lease.isValid(), "renewed in the background");
        lease.close();
        assertFalse(lease.isValid());
        assertEquals(ChangeCause.RELEASED, lease.ended().toCompletableFuture().getNow(null));
        HeldLease next = b.baton.leases().tryAcquire("invoice/42", Duration.ofSeconds(9)).orElseThrow();
        assertTrue(next.fencingToken() > lease.fencingToken());
    }

    @Test
    @DisplayName("a lease the store grants for less than its ttl is renewed proportionally sooner and stays valid")
    void shortGrant() {
        // 3 s of a 9 s ttl: trusted for 3 - 0.9 (margin) = 2.1 s; the usual renewal after 3 s would come too late.
        fx.store.grantCap = Duration.ofSeconds(3);
        var a = fx.participant("a");
        HeldLease lease = a.baton.leases().tryAcquire("report", Duration.ofSeconds(9)).orElseThrow();
        long token = lease.fencingToken();
        for (int i = 0; i < 60; i++) {
            fx.advance(Duration.ofMillis(250));
            assertTrue(lease.isValid(), "valid after " + (i + 1) * 250 + " ms");
        }
        assertEquals(token, lease.fencingToken());
        assertTrue(lease.ended().toCompletableFuture().getNow(null) == null, "not ended");
    }

    @Test
    @DisplayName("a lease whose renewals fail ends at its local deadline with BACKEND_UNAVAILABLE")
    void renewalFailure() throws Exception {
        var a = fx.participant("a");
        HeldLease lease = a.baton.leases().tryAcquire("bootstrap", Duration.ofSeconds(10)).orElseThrow();
        fx.store.failRenewals = true;
        fx.advance(Duration.ofSeconds(9).minusMillis(1));
        assertTrue(lease.isValid());
        fx.advance(Duration.ofMillis(1));
        assertFalse(lease.isValid());
        assertEquals(ChangeCause.BACKEND_UNAVAILABLE,
                lease.ended().toCompletableFuture().get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS));
    }

    @Test
    @DisplayName("while close() is still releasing, the name stays taken: another local caller is not handed the grant"
            + " being released")
    void closeKeepsTheNameUntilReleased() throws Exception {
        var a = fx.participant("a");
        HeldLease lease = a.baton.leases().tryAcquire("invoice/7", Duration.ofSeconds(9)).orElseThrow();
        CountDownLatch gate = new CountDownLatch(1);
        fx.store.releaseGate = gate;
        Thread closer = new Thread(lease::close, "closer");
        closer.start();
        try {
            Waits.until("the release is on its way to the store", () -> fx.store.releases.get() == 1);
            assertFalse(lease.isValid(), "a closing lease is no longer valid");
            assertTrue(a.baton.leases().tryAcquire("invoice/7", Duration.ofSeconds(9)).isEmpty(),
                    "handed the grant that close() is releasing");
        } finally {
            gate.countDown();
            closer.join(Waits.generous().toMillis());
        }
        fx.store.releaseGate = null;
        assertEquals(ChangeCause.RELEASED, lease.ended().toCompletableFuture().getNow(null));
        HeldLease next = a.baton.leases().tryAcquire("invoice/7", Duration.ofSeconds(9)).orElseThrow();
        assertTrue(next.fencingToken() > lease.fencingToken(), "a new grant after the release");
    }

    @Test
    @DisplayName("a group cannot start under the name of a held one-off lease, nor a lease under a group's name")
    void namespaceBothWays() {
        var a = fx.participant("a");
        HeldLease lease = a.baton.leases().tryAcquire("reports", Duration.ofSeconds(9)).orElseThrow();
        var e = assertThrows(IllegalArgumentException.class, () -> a.baton.election("reports"));
        assertTrue(e.getMessage().contains("one-off lease"), e.getMessage());
        assertTrue(lease.isValid(), "the refused group did not touch the lease");
        assertTrue(a.baton.existingElection("reports").isEmpty(), "no half-started group");
        lease.close();
        a.baton.election("reports"); // free again
        var g = assertThrows(IllegalArgumentException.class,
                () -> a.baton.leases().tryAcquire("reports", Duration.ofSeconds(9)));
        assertTrue(g.getMessage().contains("election group"), g.getMessage());
    }

    @Test
    @DisplayName("bad names and ttls are refused with a message naming the problem")
    void badInput() {
        var a = fx.participant("a");
        var blank = assertThrows(IllegalArgumentException.class, () -> a.baton.leases().tryAcquire(" ", Duration.ofSeconds(5)));
        assertTrue(blank.getMessage().contains("non-blank"), blank.getMessage());
        var shortTtl = assertThrows(IllegalArgumentException.class, () -> a.baton.leases().tryAcquire("x", Duration.ofMillis(5)));
        assertTrue(shortTtl.getMessage().contains("100ms"), shortTtl.getMessage());
        var group = assertThrows(IllegalArgumentException.class, () -> a.baton.leases().tryAcquire("jobs", Duration.ofSeconds(5)));
        assertTrue(group.getMessage().contains("election group"), group.getMessage());
    }
}
