package dev.baton.engine;

import static dev.baton.engine.EngineFixture.RENEW;
import static dev.baton.engine.EngineFixture.SETTINGS;
import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Groups of one participant renew together when the store batches ({@code LeaseStore.renewBatchLimit() > 1}). */
class RenewalBatchingTest {
    private static final int GROUPS = 100;

    private final ManualScheduler clock = new ManualScheduler();
    private final FakeStore store = new FakeStore(clock);
    private final Map<String, List<LeadershipChanged>> events = new ConcurrentHashMap<>();
    private Baton baton;
    private final List<LeaderElection> elections = new ArrayList<>();
    private int barriers;

    /** Starts {@link #GROUPS} groups 100 ms apart, so their renewals start out spread over 10 s. */
    private void startStaggered() {
        baton = Baton.builder().store(store).closeStore(false).participant("p").scheduler(clock).defaults(SETTINGS)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        baton.onChange(e -> events.computeIfAbsent(e.group(), g -> new CopyOnWriteArrayList<>()).add(e));
        for (int i = 0; i < GROUPS; i++) {
            elections.add(baton.election("g" + i));
            clock.runDueTasks();
            clock.advance(Duration.ofMillis(100));
        }
        elections.forEach(e -> assertTrue(e.isLeader(), e.group() + " leads"));
    }

    /** {@link #startStaggered()} on a store batching up to {@code batchLimit}, then a few rounds to fall into step. */
    private void startInStep(int batchLimit) {
        store.batchLimit = batchLimit;
        startStaggered();
        clock.advance(TTL.multipliedBy(3));
    }

    /**
     * Waits until every event dispatched so far has been delivered. Listeners run on Baton's single event thread, in
     * dispatch order, so once a fresh group's ACQUIRED arrives every earlier event has too; the fresh group's events
     * are then dropped from {@link #events}. Time does not move, and the store must grant acquisitions.
     */
    private void flushEvents() {
        String barrier = "barrier-" + (++barriers);
        baton.election(barrier);
        clock.runDueTasks(); // only the fresh group's first step is due now
        Waits.until("the barrier group's ACQUIRED is delivered", () -> events.containsKey(barrier));
        events.remove(barrier);
    }

    @AfterEach
    void close() {
        if (baton != null) {
            baton.close();
        }
    }

    @Test
    @DisplayName("100 groups fall into step: about one store request per renew interval, every lease kept")
    void groupsFallIntoStep() {
        store.batchLimit = 1000;
        startStaggered();
        List<Long> tokens = elections.stream().map(e -> e.fencingToken().orElseThrow()).toList();
        clock.advance(TTL.multipliedBy(3)); // a few rounds to converge
        int rounds = 10;
        Counts counts = countOver(rounds, RENEW);
        int requests = counts.requests();
        int renewals = counts.renewals();
        assertTrue(requests <= rounds + 1, "store requests in " + rounds + " renew intervals: " + requests);
        assertTrue(renewals >= GROUPS * (rounds - 1), "leases renewed: " + renewals);
        for (int i = 0; i < GROUPS; i++) {
            LeaderElection e = elections.get(i);
            assertTrue(e.isLeader(), e.group() + " still leads");
            assertEquals(tokens.get(i), e.fencingToken().orElseThrow(), e.group() + " kept its tenure");
        }
        flushEvents();
        assertEquals(GROUPS, events.size());
        events.forEach((group, list) -> assertEquals(1, list.size(), group + ": only ACQUIRED, got " + list));
    }

    @Test
    @DisplayName("a batch never exceeds the store's limit")
    void limitIsRespected() {
        startInStep(7);
        assertEquals(7, store.largestBatch.get());
        elections.forEach(e -> assertTrue(e.isLeader(), e.group() + " still leads"));
    }

    @Test
    @DisplayName("a failing batch is a failed renewal for every group in it: each steps down once by its deadline, "
            + "then all lead again once the store is back")
    void failingBatch() {
        startInStep(1000);
        store.failEverything = true;
        clock.advance(TTL.plus(RENEW));
        elections.forEach(e -> assertFalse(e.isLeader(), e.group() + " stepped down"));
        store.failEverything = false; // the store is back (and the barrier group can acquire); no time passes
        flushEvents();
        assertEquals(GROUPS, events.size());
        events.forEach((group, list) -> {
            assertEquals(2, list.size(), group + ": ACQUIRED then one end event, got " + list);
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, list.get(1).cause(), group);
        });
        clock.advance(TTL.multipliedBy(2));
        elections.forEach(e -> assertTrue(e.isLeader(), e.group() + " leads again"));
    }

    @Test
    @DisplayName("a batch answered with the wrong number of results is not trusted for any group")
    void wrongSizedAnswer() {
        startInStep(1000);
        store.truncateBatches = true;
        clock.advance(TTL.plus(RENEW));
        // Each group ended its tenure for want of a confirmed renewal (and may have acquired a new one since).
        flushEvents();
        assertEquals(GROUPS, events.size());
        events.forEach((group, list) -> {
            assertTrue(list.size() >= 2, group + ": ACQUIRED then an end event, got " + list);
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, list.get(1).cause(), group);
        });
    }

    /** Store requests and leases renewed over some time. */
    private record Counts(int requests, int renewals) {}

    /** @return what the store was asked while the clock advanced {@code rounds} times by {@code interval} */
    private Counts countOver(int rounds, Duration interval) {
        int requestsBefore = store.renewRequests.get();
        int renewalsBefore = store.renewals.get();
        for (int i = 0; i < rounds; i++) {
            clock.advance(interval);
        }
        return new Counts(store.renewRequests.get() - requestsBefore, store.renewals.get() - renewalsBefore);
    }

    /** Acquires {@code count} one-off leases {@code lease0...} with the groups' ttl, 100 ms apart. */
    private List<HeldLease> acquireStaggered(int count) {
        List<HeldLease> leases = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            leases.add(baton.leases().tryAcquire("lease" + i, TTL).orElseThrow());
            clock.runDueTasks();
            clock.advance(Duration.ofMillis(100));
        }
        return leases;
    }

    @Test
    @DisplayName("one-off leases renew in the same batches as the groups: about one store request per renew"
            + " interval for 100 groups and 100 leases, every lease kept")
    void oneOffLeasesJoinTheBatches() {
        store.batchLimit = 1000;
        startStaggered();
        List<HeldLease> leases = acquireStaggered(GROUPS);
        clock.advance(TTL.multipliedBy(3)); // a few rounds to converge
        // The leases renew every third of their ttl, the groups every RENEW (3 s of 10 s): the two cadences differ by
        // a tenth of a second, so the groups and the leases may form two batches per round; never one per lease.
        int rounds = 10;
        Counts counts = countOver(rounds, RENEW);
        int requests = counts.requests();
        int renewals = counts.renewals();
        assertTrue(requests <= 2 * rounds + 2, "store requests in " + rounds + " renew intervals: " + requests);
        assertTrue(renewals >= 2 * GROUPS * (rounds - 1), "leases renewed: " + renewals);
        assertTrue(store.largestBatch.get() > GROUPS, "a batch held groups and one-off leases together: "
                + store.largestBatch.get());
        for (HeldLease lease : leases) {
            assertTrue(lease.isValid(), lease + " still valid");
            assertFalse(lease.ended().toCompletableFuture().isDone(), lease + " not ended");
        }
        elections.forEach(e -> assertTrue(e.isLeader(), e.group() + " still leads"));
        leases.forEach(HeldLease::close);
    }

    @Test
    @DisplayName("one-off leases alone fall into step too, within the store's limit")
    void oneOffLeasesAlone() {
        store.batchLimit = 30;
        baton = Baton.builder().store(store).closeStore(false).participant("p").scheduler(clock).defaults(SETTINGS)
                .shutdownTimeout(Duration.ofSeconds(5)).build();
        List<HeldLease> leases = acquireStaggered(GROUPS);
        clock.advance(TTL.multipliedBy(3));
        int rounds = 10;
        int requests = countOver(rounds, TTL.dividedBy(3)).requests();
        // 100 leases in batches of at most 30: 4 requests per renew interval, plus stragglers while converging.
        assertTrue(requests <= 5 * rounds, "store requests in " + rounds + " renew intervals: " + requests);
        assertEquals(30, store.largestBatch.get());
        leases.forEach(l -> assertTrue(l.isValid(), l + " still valid"));
        leases.forEach(HeldLease::close);
    }

    @Test
    @DisplayName("a failing batch is a failed renewal for every one-off lease in it: each ends BACKEND_UNAVAILABLE by"
            + " its deadline, never before")
    void failingBatchEndsOneOffLeases() {
        startInStep(1000);
        List<HeldLease> leases = acquireStaggered(10);
        clock.advance(TTL.multipliedBy(3));
        store.failEverything = true;
        // Each lease was last confirmed at most a renew interval (ttl / 3) before the failures began, so its local
        // deadline (confirmation + ttl - margin) is between 5.7 s and 9 s from now.
        clock.advance(Duration.ofSeconds(5));
        leases.forEach(l -> assertTrue(l.isValid(), l + " valid until its deadline"));
        clock.advance(Duration.ofSeconds(5));
        for (HeldLease lease : leases) {
            assertFalse(lease.isValid(), lease + " ended");
            Waits.until(lease + "'s ended() completes (on the event thread)",
                    () -> lease.ended().toCompletableFuture().isDone());
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, lease.ended().toCompletableFuture().join(), lease.name());
        }
    }

    @Test
    @DisplayName("a store that does not batch is called once per renewal, as before")
    void singleRenewals() {
        startStaggered();
        clock.advance(TTL.multipliedBy(2));
        assertEquals(0, store.largestBatch.get(), "renewAll never called");
        assertEquals(store.renewals.get(), store.renewRequests.get());
    }
}
