package dev.baton.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.FaultyStore;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Elections end to end: the real engine ({@link Baton}) on the backend under test, several participants in one
 * JVM, each with its own store client (as separate processes would have). A backend's test extends it in a few
 * lines:
 *
 * <pre>{@code
 * class RedisElectionContractIT extends ElectionContract {
 *     @RegisterExtension static RedisServer server = new RedisServer();
 *     @Override protected LeaseStore newStore() { return RedisLeaseStore.create(server.uri()); }
 * }
 * }</pre>
 *
 * <p>Faults are injected between the engine and the store with {@link FaultyStore}: a participant whose store fails
 * every call has "crashed" (it can neither renew nor release), one whose renewals fail has lost its backend. The kit
 * asserts outcomes and safety (never two leaders at one instant, steps down by the local deadline), not speed:
 * timing goals belong in benchmarks. Every bound is scaled by {@link Timing}.
 */
public abstract class ElectionContract {

    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private final List<LeaseStore> rawStores = new CopyOnWriteArrayList<>();
    private int count;

    /**
     * A new, independent client of the backend under test. The kit closes it (via {@link Baton#close()}).
     *
     * @return a new store client
     */
    protected abstract LeaseStore newStore();

    /**
     * @return the timing of the elections in this suite; default a 2 s ttl renewed every 500 ms, both scaled by
     *     {@link Timing}
     */
    protected ElectionSettings settings() {
        return ElectionSettings.of(Timing.scaled(Duration.ofSeconds(2)), Timing.scaled(Duration.ofMillis(500)));
    }

    /**
     * Whether the backend notifies releases, so that a follower takes over a released lease before it would have
     * expired. The default asks a fresh client whether {@link LeaseStore#watch} opens a watch.
     *
     * @return true when releases are notified
     */
    protected boolean supportsWatch() {
        try (LeaseStore probe = newStore()) {
            Optional<AutoCloseable> watch = probe.watch(uniqueGroup(), () -> { });
            if (watch.isEmpty()) {
                return false;
            }
            watch.get().close();
            return true;
        } catch (Exception e) {
            throw new AssertionError("probing watch support failed", e);
        }
    }

    /** One participant: its own store client (wrapped for fault injection), Baton and election. */
    private static final class Participant {
        final String id;
        final FaultyStore store;
        final Baton baton;
        final RecordedEvents events = new RecordedEvents();
        LeaderElection election;

        Participant(String id, FaultyStore store, Baton baton) {
            this.id = id;
            this.store = store;
            this.baton = baton;
            baton.onChange(events);
        }

        boolean isLeader() {
            return election.isLeader();
        }

        long token() {
            return election.fencingToken().orElseThrow(() -> new AssertionError(id + " has no token"));
        }

        @Override
        public String toString() {
            return id + (election != null && election.isLeader() ? "(leader)" : "") + " events " + events;
        }
    }

    @AfterEach
    void closeParticipants() {
        for (Participant p : participants) {
            p.store.pass(); // let shutdown release quickly, whatever fault a test left behind
            p.baton.close();
        }
        participants.clear();
        rawStores.forEach(LeaseStore::close);
        rawStores.clear();
    }

    private String uniqueGroup() {
        return "tck-" + runId + "-" + (++count);
    }

    private Participant participant() {
        String id = "p" + (participants.size() + 1) + "-" + runId;
        FaultyStore store = new FaultyStore(newStore());
        Baton baton = Baton.builder()
                .store(store)
                .participant(id)
                .defaults(settings())
                .shutdownTimeout(Timing.scaled(Duration.ofSeconds(3)))
                .build();
        Participant p = new Participant(id, store, baton);
        participants.add(p);
        return p;
    }

    /** Starts {@code n} participants competing for one new group. */
    private List<Participant> compete(int n) {
        String group = uniqueGroup();
        List<Participant> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(participant());
        }
        list.forEach(p -> p.election = p.baton.election(group));
        return list;
    }

    private LeaseStore rawStore() {
        LeaseStore s = newStore();
        rawStores.add(s);
        return s;
    }

    /** Long enough for an election or a takeover after expiry, before scaling. */
    private Duration electionTimeout() {
        return settings().ttl().multipliedBy(2).plus(Duration.ofSeconds(3));
    }

    private Participant awaitLeader(List<Participant> among) {
        return Await.untilPresent("one of " + among + " leads",
                () -> among.stream().filter(Participant::isLeader).findFirst(), electionTimeout());
    }

    /** Runs {@code check} repeatedly for {@code period} (an observation window, not a wait for a condition). */
    private static void during(Duration period, Runnable check) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            check.run();
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static List<Participant> others(List<Participant> all, Participant one) {
        return all.stream().filter(p -> p != one).collect(Collectors.toList());
    }

    /**
     * Waits until a participant other than {@code old} leads, checking at every poll that {@code old} no longer
     * says it leads once another does (others are read first: if one of them leads at t1 and {@code old} still
     * says so at t2 > t1, the two overlapped).
     */
    private Participant awaitTakeover(List<Participant> all, Participant old, Duration timeout) {
        return awaitTakeover(all, old, timeout, null, 0);
    }

    /**
     * Like {@link #awaitTakeover(List, Participant, Duration)}, and also asks the store directly through
     * {@code observer} at every poll: once the store no longer holds {@code old}'s grant, {@code old} must not say
     * it leads (the store is read first, so a later "I lead" overlaps the store's answer).
     */
    private Participant awaitTakeover(
            List<Participant> all, Participant old, Duration timeout, LeaseStore observer, long oldToken) {
        List<Participant> rest = others(all, old);
        String group = old.election.group();
        return Await.untilPresent("another participant than " + old.id + " leads", () -> {
            if (observer != null) {
                Optional<dev.baton.spi.LeaseRecord> inStore = observer.read(group);
                boolean storeBacksOld = inStore.isPresent() && inStore.get().heldBy(old.id)
                        && inStore.get().token() == oldToken;
                if (!storeBacksOld && old.isLeader()) {
                    throw new AssertionError(old.id + " says it leads but the store shows " + inStore);
                }
            }
            Optional<Participant> next = rest.stream().filter(Participant::isLeader).findFirst();
            if (next.isPresent() && old.isLeader()) {
                throw new AssertionError("two leaders at once: " + old.id + " and " + next.get().id);
            }
            return next;
        }, timeout);
    }

    // ---- one leader ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("among three participants")
    class OneLeader {

        @Test
        @DisplayName("exactly one leads, and the same one keeps leading over several renew intervals")
        void exactlyOneLeader() {
            List<Participant> all = compete(3);
            Participant leader = awaitLeader(all);
            during(settings().renewInterval().multipliedBy(4), () -> {
                List<String> leading = all.stream().filter(Participant::isLeader).map(p -> p.id).toList();
                assertEquals(List.of(leader.id), leading, "leaders at one instant");
            });
            assertTrue(leader.token() > 0, "the leader's fencing token is positive");
        }

        @Test
        @DisplayName("every participant learns the leader's id")
        void everyoneKnowsTheLeader() {
            List<Participant> all = compete(3);
            Participant leader = awaitLeader(all);
            assertEquals(Optional.of(leader.id), leader.election.leader(), "the leader names itself");
            for (Participant p : others(all, leader)) {
                Await.until(p.id + " knows that " + leader.id + " leads",
                        () -> p.election.leader().equals(Optional.of(leader.id)), electionTimeout());
                assertFalse(p.isLeader());
                assertEquals(OptionalLong.empty(), p.election.fencingToken(), "a follower has no token");
            }
        }
    }

    // ---- many groups ---------------------------------------------------------------------------------------

    @Nested
    @DisplayName("one participant leading many groups")
    class ManyGroups {

        @Test
        @DisplayName("keeps all 40 terms over several renew intervals (renewed in batches where the store batches)")
        void keepsEveryTerm() {
            Participant p = participant();
            List<LeaderElection> groups = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                groups.add(p.baton.election(uniqueGroup()));
            }
            Await.until("all 40 groups lead", () -> groups.stream().allMatch(LeaderElection::isLeader),
                    electionTimeout());
            List<Long> tokens = groups.stream().map(g -> g.fencingToken().orElseThrow()).toList();
            during(settings().renewInterval().multipliedBy(4), () -> {
                for (int i = 0; i < groups.size(); i++) {
                    assertEquals(OptionalLong.of(tokens.get(i)), groups.get(i).fencingToken(),
                            groups.get(i).group() + " kept its term");
                }
            });
            assertEquals(40, p.events.events().size(), () -> "only the 40 ACQUIRED events: " + p.events);
            if (p.store.renewBatchLimit() > 1) {
                assertTrue(p.store.calls("renewAll") > 0, "the store batches, yet the engine never called renewAll");
            } else {
                assertEquals(0, p.store.calls("renewAll"), "renewAll called on a store that does not batch");
            }
        }
    }

    // ---- failover ------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("failover")
    class Failover {

        @Test
        @DisplayName("after the leader shuts down, another participant leads with a greater token")
        void afterShutdown() {
            List<Participant> all = compete(3);
            Participant old = awaitLeader(all);
            long oldToken = old.token();
            old.baton.close();
            assertFalse(old.isLeader(), "a closed participant does not lead");
            List<LeadershipChanged> events = old.events.events();
            assertEquals(ChangeCause.SHUTDOWN, events.get(events.size() - 1).cause(),
                    () -> "last event of the closed leader: " + events);
            Participant next = awaitTakeover(all, old, electionTimeout());
            assertTrue(next.token() > oldToken, () -> "token " + next.token() + " after " + oldToken);
        }

        @Test
        @DisplayName("after the leader crashes without releasing, another takes over after expiry, never overlapping")
        void afterCrash() {
            List<Participant> all = compete(3);
            Participant old = awaitLeader(all);
            long oldToken = old.token();
            old.store.failAll(); // crashed: it can neither renew nor release
            Participant next = awaitTakeover(all, old, electionTimeout(), rawStore(), oldToken);
            assertFalse(old.isLeader(), "the crashed participant still says it leads");
            assertTrue(next.token() > oldToken, () -> "token " + next.token() + " after " + oldToken);
            LeadershipChanged end = old.events.awaitEnd(electionTimeout());
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, end.cause(), () -> "events: " + old.events);
            old.events.assertWellFormed(old.election.group(), old.id);
        }
    }

    // ---- backend failures ----------------------------------------------------------------------------------

    @Nested
    @DisplayName("a leader whose backend fails")
    class BackendFailures {

        /**
         * Switches the fault on and returns how long the leader kept saying it leads in the term it held then. (It
         * may win a new term at once, e.g. when only renewals fail; that term has a greater token.)
         */
        private Duration leadsAfterFault(Participant leader, Runnable fault) {
            OptionalLong term = OptionalLong.of(leader.token());
            LeaseStore observer = rawStore();
            String group = leader.election.group();
            long switched = System.nanoTime();
            fault.run();
            BooleanSupplier ended = () -> {
                // Read the store first: if it no longer backs the term, the leader must not claim it afterwards.
                boolean backed = observer.read(group)
                        .filter(r -> r.heldBy(leader.id) && r.token() == term.getAsLong()).isPresent();
                boolean claims = leader.election.fencingToken().equals(term);
                if (claims && !backed) {
                    throw new AssertionError(leader.id + " claims term " + term + " which the store no longer holds");
                }
                return !claims;
            };
            Await.until(leader.id + " stops leading in term " + term.getAsLong(), ended, electionTimeout());
            return Duration.ofNanos(System.nanoTime() - switched);
        }

        private void assertWithinTtl(Duration led) {
            // The last successful renewal was sent before the fault, so its local deadline is < fault + ttl.
            Duration bound = settings().ttl().plus(Timing.scaled(Duration.ofMillis(250)));
            assertTrue(led.compareTo(bound) <= 0,
                    () -> "the leader kept leading " + led.toMillis() + " ms after its renewals stopped; ttl is "
                            + settings().ttl().toMillis() + " ms");
        }

        @Test
        @DisplayName("steps down with BACKEND_UNAVAILABLE within a ttl when renewals fail")
        void failingRenewals() {
            List<Participant> all = compete(2);
            Participant leader = awaitLeader(all);
            assertWithinTtl(leadsAfterFault(leader, leader.store::failRenewalsOnly));
            LeadershipChanged end = leader.events.awaitEnd(electionTimeout());
            assertEquals(ChangeCause.BACKEND_UNAVAILABLE, end.cause(), () -> "events: " + leader.events);
            leader.events.assertWellFormed(leader.election.group(), leader.id);
        }

        @Test
        @DisplayName("steps down by its deadline when renewals hang")
        void hangingRenewals() {
            List<Participant> all = compete(2);
            Participant leader = awaitLeader(all);
            assertWithinTtl(leadsAfterFault(leader, leader.store::hangAll));
            LeadershipChanged end = leader.events.awaitEnd(electionTimeout());
            assertTrue(EnumSet.of(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED).contains(end.cause()),
                    () -> "cause of stepping down on hung renewals: " + leader.events);
        }
    }

    // ---- events --------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("events")
    class Events {

        @Test
        @DisplayName("stepDown: ACQUIRED then RELEASED with the same token, and isLeader() is false at once")
        void stepDown() {
            Participant p = compete(1).get(0);
            LeadershipChanged acquired = p.events.await("ACQUIRED", LeadershipChanged::acquired, electionTimeout());
            assertTrue(p.isLeader());
            p.election.stepDown();
            assertFalse(p.isLeader(), "isLeader() right after stepDown()");
            LeadershipChanged end = p.events.awaitEnd(electionTimeout());
            assertEquals(ChangeCause.RELEASED, end.cause());
            assertEquals(acquired.fencingToken(), end.fencingToken());
            // Alone in the group it competes again after a renew interval, with a new term.
            p.events.await("ACQUIRED again", e -> e.acquired() && !e.equals(acquired), electionTimeout());
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("close: the last event is SHUTDOWN, delivered before close() returns")
        void shutdown() {
            Participant p = compete(1).get(0);
            p.events.await("ACQUIRED", LeadershipChanged::acquired, electionTimeout());
            p.baton.close();
            List<LeadershipChanged> events = p.events.events();
            assertEquals(ChangeCause.SHUTDOWN, events.get(events.size() - 1).cause(), () -> "events: " + events);
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("a grant released behind the leader's back ends its term with LOST_TO_ANOTHER")
        void lostToAnother() {
            Participant p = compete(1).get(0);
            LeadershipChanged acquired = p.events.await("ACQUIRED", LeadershipChanged::acquired, electionTimeout());
            long token = acquired.fencingToken().getAsLong();
            assertTrue(rawStore().release(p.election.group(), p.id, token),
                    "another client releases the leader's grant with its holder and token");
            LeadershipChanged end = p.events.awaitEnd(electionTimeout());
            assertEquals(ChangeCause.LOST_TO_ANOTHER, end.cause(), () -> "events: " + p.events);
            LeadershipChanged again = p.events.await("ACQUIRED with a new token",
                    e -> e.acquired() && e.fencingToken().getAsLong() > token, electionTimeout());
            assertTrue(again.fencingToken().getAsLong() > token);
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("listeners never run on a baton-lease-* (renewal) thread")
        void listenerThreads() {
            Participant p = compete(1).get(0);
            p.events.await("ACQUIRED", LeadershipChanged::acquired, electionTimeout());
            p.election.stepDown();
            p.events.awaitEnd(electionTimeout());
            List<String> threads = p.events.threads();
            assertEquals(2, threads.size(), () -> "events: " + p.events);
            threads.forEach(t -> assertFalse(t.startsWith("baton-lease-"), () -> "listener ran on " + t));
            assertNotEquals(Thread.currentThread().getName(), threads.get(0));
        }
    }

    // ---- fencing and handover ------------------------------------------------------------------------------

    @Nested
    @DisplayName("successive leaders")
    class Successive {

        @Test
        @DisplayName("hold strictly increasing fencing tokens")
        void tokensIncrease() {
            List<Participant> remaining = new ArrayList<>(compete(3));
            List<Long> tokens = new ArrayList<>();
            while (!remaining.isEmpty()) {
                Participant leader = awaitLeader(remaining);
                long token = leader.token();
                if (!tokens.isEmpty()) {
                    assertTrue(token > tokens.get(tokens.size() - 1), () -> "tokens: " + tokens + " then " + token);
                }
                tokens.add(token);
                leader.baton.close();
                remaining.remove(leader);
            }
            assertEquals(3, tokens.size());
        }

        @Test
        @DisplayName("stepDown hands leadership over to another participant (backends that notify releases)")
        void stepDownHandsOver() {
            assumeTrue(supportsWatch(), "without release notification the one that stepped down may win again");
            List<Participant> all = compete(3);
            Participant old = awaitLeader(all);
            long oldToken = old.token();
            old.election.stepDown();
            Participant next = awaitTakeover(all, old, electionTimeout());
            assertTrue(next.token() > oldToken);
            assertEquals(ChangeCause.RELEASED, old.events.awaitEnd(electionTimeout()).cause());
        }
    }

    // ---- one-off leases ------------------------------------------------------------------------------------

    @Nested
    @DisplayName("one-off leases (Leases.tryAcquire)")
    class OneOffLeases {

        private String leaseName() {
            return "tck lease/" + runId + "/" + (++count) + " ü";
        }

        @Test
        @DisplayName("exclude another participant until closed, then the other acquires with a greater token")
        void exclusive() throws Exception {
            Participant a = participant();
            Participant b = participant();
            String name = leaseName();
            Duration ttl = settings().ttl();
            HeldLease held = a.baton.leases().tryAcquire(name, ttl).orElseThrow(() -> new AssertionError("a acquires"));
            assertTrue(held.fencingToken() > 0);
            assertTrue(held.isValid());
            assertEquals(Optional.empty(), b.baton.leases().tryAcquire(name, ttl), "b while a holds the lease");
            held.close();
            assertFalse(held.isValid(), "a closed lease is not valid");
            assertEquals(ChangeCause.RELEASED, held.ended().toCompletableFuture()
                    .get(Timing.scaled(Duration.ofSeconds(5)).toMillis(), TimeUnit.MILLISECONDS));
            try (HeldLease next = b.baton.leases().tryAcquire(name, ttl)
                    .orElseThrow(() -> new AssertionError("b acquires at once after a closed the lease"))) {
                assertTrue(next.fencingToken() > held.fencingToken());
            }
        }

        @Test
        @DisplayName("stay valid with a positive token over several ttls while renewed, until closed")
        void keptAlive() {
            Participant a = participant();
            String name = leaseName();
            HeldLease held = a.baton.leases().tryAcquire(name, settings().ttl())
                    .orElseThrow(() -> new AssertionError("a acquires"));
            assertTrue(held.fencingToken() > 0);
            LeaseStore raw = rawStore();
            during(settings().ttl().multipliedBy(2), () -> assertTrue(held.isValid(), "held lease became invalid"));
            assertEquals(a.id, raw.read(name).orElseThrow(() -> new AssertionError("the store lost the lease"))
                    .holder());
            assertEquals(held.fencingToken(), raw.read(name).orElseThrow().token(), "renewals keep the token");
            held.close();
            assertFalse(held.isValid());
            assertEquals(Optional.empty(), raw.read(name), "closing releases the lease in the store");
        }
    }
}
