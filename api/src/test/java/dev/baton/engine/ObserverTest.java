package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Role;
import dev.baton.observe.ElectionObserver;
import dev.baton.observe.StoreOperation;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** {@link ElectionObserver}s see every store call and role change; a broken one cannot hurt the election. */
class ObserverTest {

    private record Call(String name, StoreOperation op, long nanos, RuntimeException failure) {}

    private static final class Recording implements ElectionObserver {
        final List<LeaderElection> started = new CopyOnWriteArrayList<>();
        final List<Call> calls = new CopyOnWriteArrayList<>();
        final List<LeadershipChanged> changes = new CopyOnWriteArrayList<>();

        @Override
        public void electionStarted(LeaderElection election) {
            started.add(election);
        }

        @Override
        public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
            calls.add(new Call(name, operation, nanos, failure));
        }

        @Override
        public void leadershipChanged(LeadershipChanged change) {
            changes.add(change);
        }

        long count(StoreOperation op, boolean failed) {
            return calls.stream().filter(c -> c.op == op && (c.failure != null) == failed).count();
        }
    }

    /** Throws from every method: the election and the other observers go on. */
    private static final class Broken implements ElectionObserver {
        @Override
        public void electionStarted(LeaderElection election) {
            throw new IllegalStateException("broken observer");
        }

        @Override
        public void storeCall(String name, StoreOperation operation, long nanos, RuntimeException failure) {
            throw new IllegalStateException("broken observer");
        }

        @Override
        public void leadershipChanged(LeadershipChanged change) {
            throw new IllegalStateException("broken observer");
        }
    }

    @Test
    void seesStartsCallsFailuresAndChangesInOrderDespiteABrokenObserver() throws Exception {
        ManualScheduler clock = new ManualScheduler();
        FakeStore store = new FakeStore(clock);
        Recording seen = new Recording();
        try (Baton baton = Baton.builder().store(store).closeStore(false).participant("a").scheduler(clock)
                .defaults(EngineFixture.SETTINGS).observer(new Broken()).observer(seen).build()) {
            LeaderElection jobs = baton.election("jobs");
            clock.runDueTasks();
            assertTrue(jobs.isLeader());
            assertEquals(List.of(jobs), seen.started);
            Call acquire = seen.calls.get(0);
            assertEquals("jobs", acquire.name);
            assertEquals(StoreOperation.ACQUIRE, acquire.op);
            assertNull(acquire.failure);
            assertTrue(acquire.nanos >= 0);

            // Renewals: answered, then failing; the failure is the store's own exception.
            clock.advance(EngineFixture.RENEW);
            assertEquals(1, seen.count(StoreOperation.RENEW, false));
            store.failRenewals = true;
            clock.advance(EngineFixture.RENEW);
            assertTrue(seen.count(StoreOperation.RENEW, true) >= 1, seen.calls.toString());
            assertEquals("fake backend is down", seen.calls.stream().filter(c -> c.failure != null).findFirst()
                    .orElseThrow().failure.getMessage());
            store.failRenewals = false;
            clock.advance(EngineFixture.RENEW);

            // An observer added later hears of the running election first.
            Recording late = new Recording();
            baton.observe(late);
            assertEquals(List.of(jobs), late.started);
        }
        // Closing released the lease; the changes came in order, on the event thread, after the listeners' turn.
        Waits.until("the SHUTDOWN change reached the observer", () -> seen.changes.size() == 2);
        assertEquals(ChangeCause.ACQUIRED, seen.changes.get(0).cause());
        assertEquals(Role.LEADER, seen.changes.get(0).role());
        assertEquals(ChangeCause.SHUTDOWN, seen.changes.get(1).cause());
        assertEquals(1, seen.count(StoreOperation.RELEASE, false));
    }

    @Test
    void aBatchedRenewalIsReportedOncePerLease() {
        ManualScheduler clock = new ManualScheduler();
        FakeStore store = new FakeStore(clock);
        store.batchLimit = 10;
        Recording seen = new Recording();
        try (Baton baton = Baton.builder().store(store).closeStore(false).participant("a").scheduler(clock)
                .defaults(EngineFixture.SETTINGS).observer(seen).build()) {
            baton.election("one");
            baton.election("two");
            clock.runDueTasks();
            int before = store.renewRequests.get();
            clock.advance(EngineFixture.RENEW);
            assertEquals(before + 1, store.renewRequests.get(), "one batch renewed both groups");
            List<Call> renewals = seen.calls.stream().filter(c -> c.op == StoreOperation.RENEW).toList();
            assertEquals(List.of("one", "two"), renewals.stream().map(Call::name).sorted().toList());
            assertEquals(renewals.get(0).nanos, renewals.get(1).nanos, "each lease carries the batch's time");
        }
    }
}
