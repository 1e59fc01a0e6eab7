package dev.baton.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.LeaderInfo;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.FaultyStore;
import dev.baton.tck.fixtures.PatientStore;
import dev.baton.tck.fixtures.TcpProxy;
import dev.baton.tck.fixtures.Timing;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Elections end to end: the real engine ({@link Baton}) on the backend under test, several participants in one
 * JVM, each with its own store client (as separate processes would have). A backend's test extends it in a few
 * lines:
 *
 * <pre>{@code
 * class RedisElectionContractIT extends ElectionContract {
 *     @RegisterExtension static RedisServer server = new RedisServer();
 *     @Override protected LeaseStore newStore() { return RedisLeaseStore.builder().uri(server.uri()).build(); }
 * }
 * }</pre>
 *
 * <p>Faults are injected between the engine and the store with {@link FaultyStore}: a participant whose store fails
 * every call has "crashed" (it can neither renew nor release), one whose renewals fail has lost its backend. A backend
 * with a network link also lets the kit slow a participant's link down ({@link #serverAddress()},
 * {@link #newStore(InetSocketAddress)}, {@link TcpProxy}). The kit
 * asserts outcomes and safety (never two leaders at one instant, steps down by the local deadline), not speed:
 * timing goals belong in benchmarks. Every bound is scaled by {@link Timing}.
 *
 * <p>The kit must hold on a loaded machine, where a renewal thread or a backend can stall for a second or more, and a
 * leader on the suite's short ttl then loses its tenure, legitimately. So safety is checked at every read whatever
 * happens ({@link TermWatch}); liveness is awaited with generous bounds; a test whose premise is that a leader keeps
 * its tenure while something else happens runs on {@link #steadySettings()}; and a test about renewals asserts that a
 * tenure outlives its ttl (which only confirmed renewals allow), not that no tenure is ever lost.
 */
public abstract class ElectionContract {

    /** The causes of a tenure that ended on its own: a stalled or failed renewal, or a renewal that found another. */
    private static final Set<ChangeCause> LOSSES =
            EnumSet.of(ChangeCause.EXPIRED, ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.LOST_TO_ANOTHER);

    private final String runId = Long.toString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE, 36);
    private final List<Participant> participants = new CopyOnWriteArrayList<>();
    private final List<LeaseStore> rawStores = new CopyOnWriteArrayList<>();
    private final List<TcpProxy> proxies = new CopyOnWriteArrayList<>();
    private int count;

    /**
     * A new, independent client of the backend under test. The kit closes it (via {@link Baton#close()}).
     *
     * @return a new store client
     */
    protected abstract LeaseStore newStore();

    /**
     * Where the backend's server listens, for the tests that put a participant behind a slow link (a {@link TcpProxy}
     * in front of this address). A backend with a network link overrides this and {@link #newStore(InetSocketAddress)};
     * the default, empty, skips those tests (memory, file).
     *
     * @return the server's address, or empty when the backend has no network link
     */
    protected Optional<InetSocketAddress> serverAddress() {
        return Optional.empty();
    }

    /**
     * A new client exactly like {@link #newStore()} (same settings, timeouts derived from the suite's ttl), but
     * connecting to {@code server} instead of the server's own address: the kit passes a proxy's loopback address.
     * Called only when {@link #serverAddress()} is present. The kit closes it.
     *
     * @param server the address to connect to
     * @return a new store client
     */
    protected LeaseStore newStore(InetSocketAddress server) {
        throw new UnsupportedOperationException(getClass().getName() + " returns a serverAddress() but does not"
                + " override newStore(InetSocketAddress)");
    }

    /**
     * @return the timing of the elections in this suite; default a 2 s ttl renewed every 500 ms, both scaled by
     *     {@link Timing}
     */
    protected ElectionSettings settings() {
        return ElectionSettings.of(Timing.scaled(Duration.ofSeconds(2)), Timing.scaled(Duration.ofMillis(500)));
    }

    /**
     * The settings of tests whose premise is that a leader keeps its tenure while something else happens (events,
     * handover, one-off leases; not renewals or expiry): the suite's renew interval with five times its ttl, so that
     * a renewal thread or a backend stalled for several seconds cannot end the tenure. Store clients are set up for
     * the suite's ttl, the shortest in use, which a longer one satisfies.
     */
    private ElectionSettings steadySettings() {
        return ElectionSettings.of(settings().ttl().multipliedBy(5), settings().renewInterval());
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

    /**
     * Whether the backend stores leader metadata. The default asks a fresh client after one read (a store may learn
     * it from its first operation).
     *
     * @return true when {@link LeaseStore#supportsMetadata()} says so
     */
    protected boolean supportsMetadata() {
        try (LeaseStore probe = newStore()) {
            new PatientStore(probe, electionTimeout()).read(uniqueGroup());
            return probe.supportsMetadata();
        }
    }

    /** One participant: its own store client (wrapped for fault injection), Baton and election. */
    private static final class Participant {
        final String id;
        final FaultyStore store;
        final Baton baton;
        final ElectionSettings settings;
        final RecordedEvents events = new RecordedEvents();
        LeaderElection election;

        Participant(String id, FaultyStore store, Baton baton, ElectionSettings settings) {
            this.id = id;
            this.store = store;
            this.baton = baton;
            this.settings = settings;
            baton.onChange(events);
        }

        boolean isLeader() {
            return election.isLeader();
        }

        @Override
        public String toString() {
            return id + (election != null && election.isLeader() ? "(leader)" : "") + " events " + events;
        }
    }

    /** A participant seen leading, and the token of the tenure it held then (both from one read). */
    private record Held(Participant participant, long token) {
        String id() {
            return participant.id;
        }
    }

    /**
     * Reads, from the test thread, which of one group's elections claim to lead, and checks the safety model at every
     * read: once a tenure has been seen (a fencing token), no election may claim an older or the same tenure of another
     * participant afterwards. (The newer grant needed the older lease gone from the store, so the older local
     * deadline had passed before it: a later claim of the older tenure is an overlap of two leaders, however late this
     * thread reads.) It also remembers since when each election has been seen holding its current tenure without a gap,
     * to tell when a tenure has outlived its ttl, which only confirmed renewals allow.
     */
    private static final class TermWatch {
        private final List<LeaderElection> elections;
        private final Map<LeaderElection, Long> heldToken = new IdentityHashMap<>();
        private final Map<LeaderElection, Long> heldSince = new IdentityHashMap<>();
        private final Set<LeaderElection> outlivedTtl = new HashSet<>();
        private final Duration ttl;
        private long newestToken;
        private String newestHolder;

        /**
         * @param elections one group's elections, read in this order
         * @param ttl the ttl of their tenures
         */
        TermWatch(List<LeaderElection> elections, Duration ttl) {
            this.elections = List.copyOf(elections);
            this.ttl = ttl;
        }

        static TermWatch of(List<Participant> participants, Duration ttl) {
            return new TermWatch(participants.stream().map(p -> p.election).toList(), ttl);
        }

        /**
         * Reads each election's claim once, in order, and checks it against every claim read before.
         *
         * @return the claims of this pass: election to token
         * @throws AssertionError on two leaders at once
         */
        Map<LeaderElection, Long> check() {
            Map<LeaderElection, Long> claims = new LinkedHashMap<>();
            for (LeaderElection e : elections) {
                long before = System.nanoTime(); // the claim below holds at this instant or later
                OptionalLong claim = e.fencingToken();
                if (claim.isEmpty()) {
                    heldToken.remove(e);
                    heldSince.remove(e);
                    continue;
                }
                long token = claim.getAsLong();
                if (token < newestToken || (token == newestToken && !e.participant().equals(newestHolder))) {
                    throw new AssertionError("two leaders at once in group '" + e.group() + "': " + newestHolder
                            + " was seen holding tenure " + newestToken + ", then " + e.participant()
                            + " claimed tenure " + token);
                }
                newestToken = token;
                newestHolder = e.participant();
                claims.put(e, token);
                Long known = heldToken.put(e, token);
                if (known == null || known != token) {
                    // Taken after the read: the tenure was granted before this instant.
                    heldSince.put(e, System.nanoTime());
                } else if (before - heldSince.get(e) > ttl.toNanos()) {
                    outlivedTtl.add(e);
                }
            }
            return claims;
        }

        /** @return whether {@code e} has been seen holding one tenure for longer than the ttl */
        boolean outlivedTtl(LeaderElection e) {
            return outlivedTtl.contains(e);
        }

        /** @return whether any of the elections has been seen holding one tenure for longer than the ttl */
        boolean anyOutlivedTtl() {
            return !outlivedTtl.isEmpty();
        }
    }

    @AfterEach
    void closeParticipants() {
        proxies.forEach(p -> p.setDelay(Duration.ZERO)); // a quick link for the releases on close
        for (Participant p : participants) {
            p.store.pass(); // let shutdown release quickly, whatever fault a test left behind
            p.baton.close();
        }
        participants.clear();
        rawStores.forEach(LeaseStore::close);
        rawStores.clear();
        proxies.forEach(TcpProxy::close);
        proxies.clear();
    }

    private String uniqueGroup() {
        return "tck-" + runId + "-" + (++count);
    }

    private Participant participant(ElectionSettings settings) {
        return participant(settings, newStore());
    }

    /** A participant on its own Baton, using {@code client} (which the kit closes). */
    private Participant participant(ElectionSettings settings, LeaseStore client) {
        return participant(settings, client, Map.of());
    }

    /** A participant on its own Baton advertising {@code metadata}, using {@code client} (which the kit closes). */
    private Participant participant(ElectionSettings settings, LeaseStore client, Map<String, String> metadata) {
        String id = "p" + (participants.size() + 1) + "-" + runId;
        FaultyStore store = new FaultyStore(client);
        // close() releases and delivers the last events within this bound; generous, since it only costs time when
        // something is stuck, and a slow release or event thread must not turn a shutdown into an expiry.
        Baton baton = Baton.builder()
                .store(store)
                .participant(id)
                .defaults(settings)
                .shutdownTimeout(Timing.scaled(Duration.ofSeconds(15)))
                .metadata(metadata)
                .build();
        Participant p = new Participant(id, store, baton, settings);
        participants.add(p);
        return p;
    }

    /** Starts {@code n} participants on the suite's {@link #settings()} competing for one new group. */
    private List<Participant> compete(int n) {
        return compete(n, settings());
    }

    /** Starts {@code n} participants competing for one new group. */
    private List<Participant> compete(int n, ElectionSettings settings) {
        String group = uniqueGroup();
        List<Participant> list = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            list.add(participant(settings));
        }
        list.forEach(p -> p.election = p.baton.election(group));
        return list;
    }

    /** A client for the test's own look at the store; patient with a slow first connection on a loaded machine. */
    private LeaseStore rawStore() {
        LeaseStore s = new PatientStore(newStore(), electionTimeout());
        rawStores.add(s);
        return s;
    }

    /**
     * A generous bound, before scaling, for an election or a takeover after expiry (which normally take up to a ttl
     * plus a renew interval): it only costs time when the test fails anyway.
     */
    private static Duration electionTimeout(ElectionSettings settings) {
        return settings.ttl().multipliedBy(3).plus(Duration.ofSeconds(15));
    }

    private Duration electionTimeout() {
        return electionTimeout(settings());
    }

    private static Duration ttlOf(List<Participant> among) {
        return among.get(0).settings.ttl();
    }

    private Held awaitLeader(List<Participant> among) {
        return awaitLeader(among, electionTimeout());
    }

    /** Waits until one of {@code among} leads, checking safety at every read. */
    private static Held awaitLeader(List<Participant> among, Duration timeout) {
        TermWatch watch = TermWatch.of(among, ttlOf(among));
        return Await.untilPresent("one of " + among + " leads", () -> {
            Map<LeaderElection, Long> claims = watch.check();
            return among.stream().filter(p -> claims.containsKey(p.election)).findFirst()
                    .map(p -> new Held(p, claims.get(p.election)));
        }, timeout);
    }

    /** Runs {@code check} repeatedly for {@code period} (an observation window, not a wait for a condition). */
    private static void during(Duration period, Runnable check) {
        long end = System.nanoTime() + period.toNanos();
        while (System.nanoTime() - end < 0) {
            check.run();
            try {
                Thread.sleep(5); // sampling interval of the observation window
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    private static List<Participant> others(List<Participant> all, Participant one) {
        return all.stream().filter(p -> p != one).collect(Collectors.toList());
    }

    /** Waits until a participant other than {@code old} leads, checking safety at every read ({@link TermWatch}). */
    private Held awaitTakeover(List<Participant> all, Held old, Duration timeout) {
        return awaitTakeover(all, old, timeout, null);
    }

    /**
     * Like {@link #awaitTakeover(List, Held, Duration)}, and also asks the store directly through {@code observer} at
     * every poll: once the store no longer holds {@code old}'s grant, {@code old} must not claim that tenure (the store
     * is read first, so a later claim overlaps the store's answer).
     */
    private Held awaitTakeover(List<Participant> all, Held old, Duration timeout, LeaseStore observer) {
        List<Participant> rest = others(all, old.participant());
        TermWatch watch = TermWatch.of(all, ttlOf(all));
        String group = old.participant().election.group();
        OptionalLong oldTenure = OptionalLong.of(old.token());
        return Await.untilPresent("another participant than " + old.id() + " leads", () -> {
            if (observer != null) {
                Optional<dev.baton.spi.LeaseRecord> inStore = observer.read(group);
                boolean storeBacksOld = inStore.isPresent() && inStore.get().heldBy(old.id())
                        && inStore.get().token() == old.token();
                if (!storeBacksOld && old.participant().election.fencingToken().equals(oldTenure)) {
                    throw new AssertionError(old.id() + " claims tenure " + old.token() + " but the store shows "
                            + inStore);
                }
            }
            Map<LeaderElection, Long> claims = watch.check();
            return rest.stream().filter(p -> claims.containsKey(p.election)).findFirst()
                    .map(p -> new Held(p, claims.get(p.election)));
        }, timeout);
    }

    // ---- one leader ----------------------------------------------------------------------------------------

    @Nested
    @DisplayName("among three participants")
    class OneLeader {

        @Test
        @DisplayName("one leads at a time, and renewals keep a leader's tenure beyond its ttl")
        void exactlyOneLeader() {
            List<Participant> all = compete(3);
            Duration ttl = settings().ttl();
            TermWatch watch = TermWatch.of(all, ttl);
            // A stalled renewal may end a tenure on a loaded machine (the watch then checks the handover is safe), but
            // a tenure that outlives its ttl proves that renewals were confirmed.
            Await.until("a leader holds one tenure for longer than the ttl (" + ttl.toMillis() + " ms)", () -> {
                watch.check();
                return watch.anyOutlivedTtl();
            }, electionTimeout().plus(ttl.multipliedBy(3)));
            Held leader = awaitLeader(all);
            assertTrue(leader.token() > 0, "the leader's fencing token is positive");
        }

        @Test
        @DisplayName("every participant learns the leader's id")
        void everyoneKnowsTheLeader() {
            ElectionSettings steady = steadySettings();
            List<Participant> all = compete(3, steady);
            Held leader = awaitLeader(all, electionTimeout(steady));
            TermWatch watch = TermWatch.of(all, steady.ttl());
            for (Participant p : others(all, leader.participant())) {
                Await.until(p.id + " knows that " + leader.id() + " leads", () -> {
                    watch.check();
                    return p.election.leader().equals(Optional.of(leader.id()));
                }, electionTimeout(steady));
            }
            // The steady ttl keeps the leader's tenure: no stall of a few seconds ends it.
            assertEquals(Optional.of(leader.id()), leader.participant().election.leader(), "the leader names itself");
            assertEquals(OptionalLong.of(leader.token()), leader.participant().election.fencingToken(),
                    "the leader kept its tenure");
            for (Participant p : others(all, leader.participant())) {
                assertFalse(p.isLeader(), () -> p.id + " leads while " + leader.id() + " does");
                assertEquals(OptionalLong.empty(), p.election.fencingToken(), "a follower has no token");
            }
        }
    }

    // ---- leader metadata -----------------------------------------------------------------------------------

    @Nested
    @DisplayName("leader metadata (backends whose supportsMetadata() is true)")
    class Metadata {

        /** What participant number {@code i} advertises: a url, and a zone with non-ASCII and reserved characters. */
        private Map<String, String> metadataOf(int i) {
            return Map.of("url", "http://p" + i + ".example:8080/app", "zone", "eu-west-ü-東京 &=%+ " + i);
        }

        /** Waits until {@code p} names {@code leader} with its metadata, checking safety at every read. */
        private LeaderInfo awaitInfo(Participant p, Participant leader, Map<String, String> expected, TermWatch watch,
                Duration timeout) {
            return Await.untilPresent(p.id + " sees " + leader.id + " lead with its metadata " + expected, () -> {
                watch.check();
                return p.election.leaderInfo()
                        .filter(i -> i.participant().equals(leader.id) && i.metadata().equals(expected));
            }, timeout);
        }

        @Test
        @DisplayName("a follower's leaderInfo() shows the leader's metadata, and after a takeover the new leader's;"
                + " ACQUIRED carries the leader's own")
        void followersSeeTheLeadersMetadata() {
            Assumptions.assumeTrue(supportsMetadata(), "this backend does not store leader metadata yet");
            ElectionSettings steady = steadySettings();
            Duration timeout = electionTimeout(steady);
            String group = uniqueGroup();
            List<Participant> all = new ArrayList<>();
            Map<Participant, Map<String, String>> advertised = new IdentityHashMap<>();
            for (int i = 1; i <= 3; i++) {
                Participant p = participant(steady, newStore(), metadataOf(i));
                advertised.put(p, metadataOf(i));
                all.add(p);
            }
            all.forEach(p -> p.election = p.baton.election(group));
            Held first = awaitLeader(all, timeout);
            Participant leader = first.participant();
            TermWatch watch = TermWatch.of(all, steady.ttl());
            LeaderInfo own = awaitInfo(leader, leader, advertised.get(leader), watch, timeout);
            assertTrue(own.since().isPresent(), () -> "the leader's own since: " + own);
            for (Participant p : others(all, leader)) {
                LeaderInfo seen = awaitInfo(p, leader, advertised.get(leader), watch, timeout);
                if (seen.fencingToken() == own.fencingToken()) { // the same tenure: the same stored instant
                    assertEquals(own.since(), seen.since(), () -> p.id + " sees another since than the leader's own");
                }
                assertTrue(seen.url().isPresent(), () -> "url() of " + seen);
            }
            LeadershipChanged acquired = leader.events.await("ACQUIRED", LeadershipChanged::acquired, timeout);
            assertEquals(advertised.get(leader), acquired.leaderMetadata(), "ACQUIRED carries the leader's metadata");

            leader.baton.close();
            Held next = awaitTakeover(all, first, timeout);
            Participant successor = next.participant();
            TermWatch after = TermWatch.of(others(all, leader), steady.ttl());
            for (Participant p : others(all, leader)) {
                awaitInfo(p, successor, advertised.get(successor), after, timeout);
            }
            LeadershipChanged acquiredNext = successor.events.await("ACQUIRED",
                    e -> e.acquired() && e.fencingToken().getAsLong() == next.token(), timeout);
            assertEquals(advertised.get(successor), acquiredNext.leaderMetadata());
        }
    }

    // ---- many groups ---------------------------------------------------------------------------------------

    @Nested
    @DisplayName("one participant leading many groups")
    class ManyGroups {

        @Test
        @DisplayName("keeps each of 40 tenures beyond its ttl (renewed in batches where the store batches)")
        void keepsEveryTenure() {
            Participant p = participant(settings());
            Duration ttl = settings().ttl();
            List<LeaderElection> groups = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                groups.add(p.baton.election(uniqueGroup()));
            }
            Map<LeaderElection, TermWatch> watches = new IdentityHashMap<>();
            groups.forEach(g -> watches.put(g, new TermWatch(List.of(g), ttl)));
            // A stalled renewal may end a tenure on a loaded machine (the group then leads again with a greater token,
            // which its watch checks), but a tenure that outlives its ttl proves that renewals were confirmed.
            Await.until("each of the 40 groups holds one tenure for longer than the ttl (" + ttl.toMillis() + " ms)",
                    () -> {
                        watches.values().forEach(TermWatch::check);
                        return groups.stream().allMatch(g -> watches.get(g).outlivedTtl(g));
                    }, electionTimeout().plus(ttl.multipliedBy(3)));
            // Asked only now: a store may learn whether it can batch from its first operation (the JDBC store learns
            // which database it talks to), and before that answer 1.
            if (p.store.renewBatchLimit() > 1) {
                Await.until("renewAll was called on a store that batches", () -> p.store.calls("renewAll") > 0,
                        electionTimeout());
            } else {
                assertEquals(0, p.store.calls("renewAll"), "renewAll called on a store that does not batch");
            }
            for (LeaderElection g : groups) {
                p.events.await(g.group() + " ACQUIRED", e -> e.group().equals(g.group()) && e.acquired(),
                        electionTimeout());
            }
            p.events.assertWellFormedPerGroup(p.id);
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
            Held old = awaitLeader(all);
            old.participant().baton.close();
            assertFalse(old.participant().isLeader(), "a closed participant does not lead");
            // close() delivers the last events before it returns. Its tenure ends with SHUTDOWN, unless a stalled
            // renewal had already ended it (Events.shutdown checks SHUTDOWN on a steady tenure).
            List<LeadershipChanged> events = old.participant().events.events();
            LeadershipChanged last = events.get(events.size() - 1);
            assertTrue(last.cause() == ChangeCause.SHUTDOWN || LOSSES.contains(last.cause()),
                    () -> "last event of the closed leader: " + events);
            old.participant().events.assertWellFormed(old.participant().election.group(), old.id());
            Held next = awaitTakeover(all, old, electionTimeout());
            assertTrue(next.token() > old.token(), () -> "token " + next.token() + " after " + old.token());
        }

        @Test
        @DisplayName("after the leader crashes without releasing, another takes over after expiry, never overlapping")
        void afterCrash() {
            List<Participant> all = compete(3);
            Held old = awaitLeader(all);
            old.participant().store.failAll(); // crashed: it can neither renew nor release
            Held next = awaitTakeover(all, old, electionTimeout(), rawStore());
            assertFalse(old.participant().isLeader(), "the crashed participant still says it leads");
            assertTrue(next.token() > old.token(), () -> "token " + next.token() + " after " + old.token());
            LeadershipChanged end = old.participant().events.awaitEndOf(old.token(), electionTimeout());
            // EXPIRED when a renewal sent before the crash was still out at the deadline (a slow backend).
            assertTrue(EnumSet.of(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED).contains(end.cause()),
                    () -> "cause of the crashed leader's step-down: " + old.participant().events);
            old.participant().events.assertWellFormed(old.participant().election.group(), old.id());
        }
    }

    // ---- backend failures ----------------------------------------------------------------------------------

    @Nested
    @DisplayName("a leader whose backend fails")
    class BackendFailures {

        /**
         * Switches the fault on and waits until the leader no longer claims the tenure it held then, checking at every
         * read that it never claims the tenure after the store stopped backing it, nor after the ttl: its last
         * confirmed renewal was sent before the fault, so its local deadline is before fault + ttl - margin. (It may
         * win a new tenure at once, e.g. when only renewals fail; that tenure has a greater token.)
         */
        private void assertStopsLeadingWithinTtl(Held leader, Runnable fault) {
            OptionalLong tenure = OptionalLong.of(leader.token());
            Duration ttl = settings().ttl();
            LeaseStore observer = rawStore();
            String group = leader.participant().election.group();
            long switched = System.nanoTime();
            fault.run();
            Await.until(leader.id() + " stops leading in tenure " + leader.token(), () -> {
                // Read the clock, then the store, then the claim: the claim holds at both earlier instants or later.
                long before = System.nanoTime();
                boolean backed = observer.read(group)
                        .filter(r -> r.heldBy(leader.id()) && r.token() == leader.token()).isPresent();
                boolean claims = leader.participant().election.fencingToken().equals(tenure);
                if (claims && !backed) {
                    throw new AssertionError(leader.id() + " claims tenure " + tenure + " which the store no longer holds");
                }
                if (claims && before - switched > ttl.toNanos()) {
                    throw new AssertionError(leader.id() + " still claimed its tenure " + TimeUnit.NANOSECONDS
                            .toMillis(before - switched) + " ms after its renewals stopped; ttl is " + ttl.toMillis()
                            + " ms");
                }
                return !claims;
            }, electionTimeout());
        }

        @Test
        @DisplayName("steps down within a ttl when renewals fail, for want of the backend")
        void failingRenewals() {
            List<Participant> all = compete(2);
            Held leader = awaitLeader(all);
            assertStopsLeadingWithinTtl(leader, leader.participant().store::failRenewalsOnly);
            LeadershipChanged end = leader.participant().events.awaitEndOf(leader.token(), electionTimeout());
            // BACKEND_UNAVAILABLE once a renewal failed; EXPIRED if the deadline check ran first, which takes a
            // renewal still out from before the fault, or the scheduler stalled past the deadline. The engine's tests
            // pin the cause down on a manual clock.
            assertTrue(EnumSet.of(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED).contains(end.cause()),
                    () -> "cause of stepping down on failing renewals: " + leader.participant().events);
            leader.participant().events.assertWellFormed(leader.participant().election.group(), leader.id());
        }

        @Test
        @DisplayName("steps down by its deadline when renewals hang")
        void hangingRenewals() {
            List<Participant> all = compete(2);
            Held leader = awaitLeader(all);
            assertStopsLeadingWithinTtl(leader, leader.participant().store::hangAll);
            LeadershipChanged end = leader.participant().events.awaitEndOf(leader.token(), electionTimeout());
            assertTrue(EnumSet.of(ChangeCause.BACKEND_UNAVAILABLE, ChangeCause.EXPIRED).contains(end.cause()),
                    () -> "cause of stepping down on hung renewals: " + leader.participant().events);
        }
    }

    // ---- slow links ----------------------------------------------------------------------------------------

    @Nested
    @Tag("slow-link") // run just these with -Dgroups=slow-link
    @DisplayName("a participant on a slow link (latency added to its connection to the backend)")
    class SlowLinks {

        /** A proxy in front of the backend's server; skips the test when the backend has no network link. */
        private TcpProxy proxy() {
            Optional<InetSocketAddress> server = serverAddress();
            Assumptions.assumeTrue(server.isPresent(), "the backend has no network link to slow down");
            TcpProxy proxy = TcpProxy.start(server.get().getHostString(), server.get().getPort());
            proxies.add(proxy);
            return proxy;
        }

        /** A participant whose store client connects through {@code proxy}. */
        private Participant behind(TcpProxy proxy, ElectionSettings settings) {
            return participant(settings, newStore(new InetSocketAddress("127.0.0.1", proxy.port())));
        }

        /**
         * Checks that {@code p} does not claim a tenure the store no longer holds: its claim is read, then the store
         * (through a client on a direct link), then its claim again; a tenure claimed both before and after a read that
         * shows the store without it outlived its lease (the store never gives a tenure back once it ended).
         */
        private void assertBacked(Participant p, LeaseStore observer) {
            OptionalLong before = p.election.fencingToken();
            if (before.isEmpty()) {
                return;
            }
            Optional<dev.baton.spi.LeaseRecord> inStore = observer.read(p.election.group());
            boolean backed = inStore.isPresent() && inStore.get().heldBy(p.id)
                    && inStore.get().token() == before.getAsLong();
            if (!backed && p.election.fencingToken().equals(before)) {
                throw new AssertionError(p.id + " claims tenure " + before.getAsLong() + " which the store no longer"
                        + " holds: " + inStore);
            }
        }

        @Test
        @DisplayName("with a twentieth of the ttl of latency each way (the documented tolerance), it follows,"
                + " acquires and keeps its tenure beyond three ttls")
        void keepsItsTenure() {
            ElectionSettings settings = settings();
            Duration ttl = settings.ttl();
            TcpProxy proxy = proxy();
            // A round trip of a tenth of the ttl, from the start: every call of the slow participant pays it.
            proxy.setDelay(ttl.dividedBy(20));
            String group = uniqueGroup();
            // First a participant on a direct link holds the group, so the slow one acquires as a follower (it finds
            // the lease held), then, once that one is closed, takes over the released lease.
            Participant fast = participant(settings);
            fast.election = fast.baton.election(group);
            awaitLeader(List.of(fast));
            Participant slow = behind(proxy, settings);
            slow.election = slow.baton.election(group);
            try {
                Await.until(slow.id + " learns through its slow link that " + fast.id + " leads",
                        () -> slow.election.leader().equals(Optional.of(fast.id)), electionTimeout());
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; " + slow.election.status(), e);
            }
            fast.baton.close();
            LeaseStore observer = rawStore();
            // A tenure that outlives three ttls needs its renewals confirmed through the slow link. A renewal stalled
            // on a loaded machine may end a tenure (legitimately; the participant then acquires again, alone in the
            // group, and the watch checks every tenure); the test waits for one tenure that lasts.
            Duration kept = ttl.multipliedBy(3);
            TermWatch watch = new TermWatch(List.of(slow.election), kept);
            Await.until(slow.id + " holds one tenure for longer than three ttls (" + kept.toMillis() + " ms) through"
                    + " a link of " + ttl.dividedBy(20).toMillis() + " ms each way", () -> {
                        watch.check();
                        assertBacked(slow, observer);
                        return watch.outlivedTtl(slow.election);
                    }, electionTimeout().plus(kept.multipliedBy(3)));
            slow.events.assertWellFormed(group, slow.id);
        }

        @Test
        @DisplayName("too slow for the backend's calls, it may lose its tenure, but calls it gave up on never leave"
                + " the group leaderless for long (half a ttl; a ttl and a half where releases are not notified)")
        void callsGivenUpOnDoNotHoldTheLease() {
            // The steady ttl (five suite ttls) with clients set up for the suite's: a call times out long before a
            // tenure could, and half a ttl of leaderlessness is several seconds, which no stall on a loaded machine
            // explains, while one extra ttl (a lease extended by a call given up on) is far beyond it.
            boolean notifies = supportsWatch();
            ElectionSettings steady = steadySettings();
            Duration ttl = steady.ttl();
            TcpProxy proxy = proxy();
            String group = uniqueGroup();
            Participant slow = behind(proxy, steady);
            slow.election = slow.baton.election(group);
            awaitLeader(List.of(slow), electionTimeout(steady));
            List<Participant> all = new ArrayList<>(List.of(slow));
            for (int i = 0; i < 2; i++) {
                Participant p = participant(steady);
                p.election = p.baton.election(group);
                all.add(p);
            }
            for (Participant p : all.subList(1, all.size())) {
                Await.until(p.id + " knows that " + slow.id + " leads",
                        () -> p.election.leader().equals(Optional.of(slow.id)), electionTimeout(steady));
            }
            LeaseStore observer = rawStore();
            // A round trip of 1.2 call timeouts: every call of the slow participant now times out, yet each request
            // still reaches the server, and what it writes takes effect there after the client gave up on it. A
            // leader may even keep its tenure (etcd confirms keep-alives that arrive late); what matters is that the
            // group never waits long for a lease nobody uses.
            proxy.setDelay(slow.store.maxCallTime().multipliedBy(6).dividedBy(10));
            // A participant that steps down sends its release after every call it gave up on, so where releases are
            // notified, followers take over as soon as it lands. Where they are not (MariaDB), followers sleep until
            // the lease they last saw can expire, and a renewal sent just before the step-down may have extended it
            // when it landed: up to a ttl and the link's one-way delay.
            Duration bound = notifies ? ttl.dividedBy(2) : ttl.plus(ttl.dividedBy(2));
            TermWatch watch = TermWatch.of(all, ttl);
            long[] leaderlessSince = {Long.MIN_VALUE};
            // Long enough for the slow leader's deadline (under a ttl away), the bound, and more.
            during(ttl.plus(bound).plus(ttl.dividedBy(2)), () -> {
                long now = System.nanoTime();
                Map<LeaderElection, Long> claims = watch.check();
                assertBacked(slow, observer);
                if (!claims.isEmpty()) {
                    leaderlessSince[0] = Long.MIN_VALUE;
                } else if (leaderlessSince[0] == Long.MIN_VALUE) {
                    leaderlessSince[0] = now;
                } else if (now - leaderlessSince[0] > bound.toNanos()) {
                    throw new AssertionError("no participant has led group '" + group + "' for " + TimeUnit
                            .NANOSECONDS.toMillis(now - leaderlessSince[0]) + " ms (bound " + bound.toMillis()
                            + " ms); the store shows " + observer.read(group) + "; " + all);
                }
            });
            awaitLeader(all, electionTimeout(steady));
        }
    }

    // ---- events --------------------------------------------------------------------------------------------

    @Nested
    @DisplayName("events")
    class Events {

        /** One participant on {@link #steadySettings()}: it keeps each tenure until the test ends it. */
        private Participant steadyAlone() {
            return compete(1, steadySettings()).get(0);
        }

        private Duration timeout() {
            return electionTimeout(steadySettings());
        }

        @Test
        @DisplayName("stepDown: ACQUIRED then RELEASED with the same token, and isLeader() is false at once")
        void stepDown() {
            Participant p = steadyAlone();
            LeadershipChanged acquired = p.events.await("ACQUIRED", LeadershipChanged::acquired, timeout());
            assertTrue(p.isLeader());
            p.election.stepDown();
            assertFalse(p.isLeader(), "isLeader() right after stepDown()");
            LeadershipChanged end = p.events.awaitEnd(timeout());
            assertEquals(ChangeCause.RELEASED, end.cause());
            assertEquals(acquired.fencingToken(), end.fencingToken());
            // Alone in the group it competes again after its back-off, with a new tenure.
            p.events.await("ACQUIRED again", e -> e.acquired() && !e.equals(acquired), timeout());
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("close: the last event is SHUTDOWN, delivered before close() returns")
        void shutdown() {
            Participant p = steadyAlone();
            p.events.await("ACQUIRED", LeadershipChanged::acquired, timeout());
            p.baton.close();
            List<LeadershipChanged> events = p.events.events();
            assertEquals(ChangeCause.SHUTDOWN, events.get(events.size() - 1).cause(), () -> "events: " + events);
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("a grant released behind the leader's back ends its tenure with LOST_TO_ANOTHER")
        void lostToAnother() {
            Participant p = steadyAlone();
            LeadershipChanged acquired = p.events.await("ACQUIRED", LeadershipChanged::acquired, timeout());
            long token = acquired.fencingToken().getAsLong();
            assertTrue(rawStore().release(p.election.group(), p.id, token),
                    "another client releases the leader's grant with its holder and token");
            LeadershipChanged end = p.events.awaitEnd(timeout());
            assertEquals(ChangeCause.LOST_TO_ANOTHER, end.cause(), () -> "events: " + p.events);
            LeadershipChanged again = p.events.await("ACQUIRED with a new token",
                    e -> e.acquired() && e.fencingToken().getAsLong() > token, timeout());
            assertTrue(again.fencingToken().getAsLong() > token);
            p.events.assertWellFormed(p.election.group(), p.id);
        }

        @Test
        @DisplayName("listeners never run on a baton-lease-* (renewal) or baton-acquire-* thread")
        void listenerThreads() {
            Participant p = steadyAlone();
            p.events.await("ACQUIRED", LeadershipChanged::acquired, timeout());
            p.election.stepDown();
            p.events.awaitEnd(timeout());
            // ACQUIRED and RELEASED at least; the participant may have led again since.
            List<String> threads = p.events.threads();
            assertTrue(threads.size() >= 2, () -> "events: " + p.events);
            threads.forEach(t -> assertFalse(t.startsWith("baton-lease-") || t.startsWith("baton-acquire-"),
                    () -> "listener ran on " + t));
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
                Held leader = awaitLeader(remaining);
                if (!tokens.isEmpty()) {
                    assertTrue(leader.token() > tokens.get(tokens.size() - 1),
                            () -> "tokens: " + tokens + " then " + leader.token());
                }
                tokens.add(leader.token());
                leader.participant().baton.close();
                remaining.remove(leader.participant());
            }
            assertEquals(3, tokens.size());
        }

        @Test
        @DisplayName("stepDown hands leadership over to another participant, also on backends that cannot notify a"
                + " release (there the one that stepped down stays out until sleeping followers woke)")
        void stepDownHandsOver() {
            ElectionSettings steady = steadySettings();
            List<Participant> all = compete(3, steady);
            Held old = awaitLeader(all, electionTimeout(steady));
            old.participant().election.stepDown();
            Held next = awaitTakeover(all, old, electionTimeout(steady));
            assertTrue(next.token() > old.token(), () -> "token " + next.token() + " after " + old.token());
            assertEquals(ChangeCause.RELEASED,
                    old.participant().events.awaitEndOf(old.token(), electionTimeout(steady)).cause());
        }
    }

    // ---- one-off leases ------------------------------------------------------------------------------------

    @Nested
    @DisplayName("one-off leases (Leases.tryAcquire)")
    class OneOffLeases {

        private String leaseName() {
            return "tck lease/" + runId + "/" + (++count) + " ü";
        }

        /**
         * {@code tryAcquire} as a careful caller uses it: an answer is returned, a {@link LeaseStoreException} (the
         * backend did not answer in time, e.g. a first connection on a loaded machine) is retried.
         */
        private Optional<HeldLease> tryAcquire(Participant p, String name, Duration ttl) {
            return Await.untilPresent("an answer to " + p.id + "'s tryAcquire of " + name, () -> {
                try {
                    return Optional.of(p.baton.leases().tryAcquire(name, ttl));
                } catch (LeaseStoreException e) {
                    return Optional.empty();
                }
            }, electionTimeout());
        }

        @Test
        @DisplayName("exclude another participant until closed, then the other acquires with a greater token")
        void exclusive() throws Exception {
            Participant a = participant(settings());
            Participant b = participant(settings());
            String name = leaseName();
            Duration ttl = steadySettings().ttl(); // the lease must not expire while the test looks at it
            HeldLease held = tryAcquire(a, name, ttl).orElseThrow(() -> new AssertionError("a acquires"));
            assertTrue(held.fencingToken() > 0);
            assertTrue(held.isValid());
            assertEquals(Optional.empty(), tryAcquire(b, name, ttl), "b while a holds the lease");
            held.close();
            assertFalse(held.isValid(), "a closed lease is not valid");
            assertEquals(ChangeCause.RELEASED, held.ended().toCompletableFuture()
                    .get(Timing.scaled(Duration.ofSeconds(30)).toMillis(), TimeUnit.MILLISECONDS));
            try (HeldLease next = tryAcquire(b, name, ttl)
                    .orElseThrow(() -> new AssertionError("b acquires at once after a closed the lease"))) {
                assertTrue(next.fencingToken() > held.fencingToken());
            }
        }

        @Test
        @DisplayName("stay valid with a positive token beyond their ttl while renewed, until closed")
        void keptAlive() {
            Participant a = participant(settings());
            String name = leaseName();
            // Renewed every third of the ttl and trusted until 0.9 ttl: three times the suite's ttl lets a renewal
            // stall for over 3 s without ending the lease. Watching it for longer than the ttl proves renewals.
            Duration ttl = settings().ttl().multipliedBy(3);
            HeldLease held = tryAcquire(a, name, ttl).orElseThrow(() -> new AssertionError("a acquires"));
            assertTrue(held.fencingToken() > 0);
            LeaseStore raw = rawStore();
            during(ttl, () -> assertTrue(held.isValid(), "held lease became invalid"));
            assertTrue(held.isValid(), "held lease became invalid");
            assertEquals(a.id, raw.read(name).orElseThrow(() -> new AssertionError("the store lost the lease"))
                    .holder());
            assertEquals(held.fencingToken(), raw.read(name).orElseThrow().token(), "renewals keep the token");
            held.close();
            assertFalse(held.isValid());
            assertEquals(Optional.empty(), raw.read(name), "closing releases the lease in the store");
        }

        @Test
        @DisplayName("twenty held at once stay valid beyond their ttl, renewed together where the store batches"
                + " renewals, each keeping its token, until closed")
        void keptAliveTogether() {
            Participant a = participant(settings());
            Duration ttl = settings().ttl().multipliedBy(3); // as keptAlive: a stalled renewal does not end them
            List<String> names = new ArrayList<>();
            List<HeldLease> held = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                names.add(leaseName());
                held.add(tryAcquire(a, names.get(i), ttl)
                        .orElseThrow(() -> new AssertionError("a acquires " + names.get(held.size()))));
            }
            LeaseStore raw = rawStore();
            during(ttl, () -> held.forEach(h -> assertTrue(h.isValid(), () -> h + " became invalid")));
            for (int i = 0; i < held.size(); i++) {
                HeldLease h = held.get(i);
                assertTrue(h.isValid(), () -> h + " became invalid");
                LeaseRecord stored = raw.read(names.get(i))
                        .orElseThrow(() -> new AssertionError("the store lost " + h));
                assertEquals(a.id, stored.holder());
                assertEquals(h.fencingToken(), stored.token(), "renewals keep the token");
            }
            held.forEach(HeldLease::close);
            for (String name : names) {
                assertEquals(Optional.empty(), raw.read(name), "closing releases " + name + " in the store");
            }
        }
    }
}
