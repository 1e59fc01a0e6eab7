package dev.baton.engine;

import static dev.baton.engine.EngineFixture.TTL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.HeldLease;
import dev.baton.LeaderInfo;
import dev.baton.LeadershipChanged;
import dev.baton.spi.LeaderMetadata;
import java.net.URI;
import java.text.MessageFormat;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * Leader metadata through the engine: what each acquire stores, what {@code leaderInfo()} and the events show on the
 * leader and on followers, and a store that keeps none. Time is the fixture's manual clock, so store calls happen
 * on the test thread; only events are delivered by another thread, and are awaited.
 */
class LeaderMetadataEngineTest {
    private static final Map<String, String> A = Map.of("url", "http://a.example:8080", "zone", "eu-west-ü-東京");
    private static final Map<String, String> B = Map.of("url", "http://b.example:8080", "version", "2.0 & more=%+");
    private static final Map<String, String> C = Map.of("url", "http://c.example:8080");

    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("every acquire stores the metadata plus baton.since, the participant's wall clock when it asked")
    void acquireSendsMetadataAndSince() {
        fx.advance(Duration.ofSeconds(5)); // the wall clock is not at its epoch
        Instant asked = fx.clock.wallClock();
        var a = fx.participant("a", A);
        fx.clock.runDueTasks();
        assertTrue(a.election.isLeader());
        Map<String, String> sent = fx.store.acquiredWith.get(0);
        assertEquals(A.size() + 1, sent.size(), sent::toString);
        A.forEach((k, v) -> assertEquals(v, sent.get(k), k));
        assertEquals(asked.toString(), sent.get(LeaderMetadata.SINCE));
        LeaderInfo self = a.election.leaderInfo().orElseThrow();
        assertEquals("a", self.participant());
        assertEquals(a.election.fencingToken().getAsLong(), self.fencingToken());
        assertEquals(A, self.metadata());
        assertEquals(Optional.of(asked), self.since());
        assertEquals(Optional.of(URI.create("http://a.example:8080")), self.url());
    }

    @Test
    @DisplayName("a follower's leaderInfo() shows the leader's metadata and since, with no store call of its own")
    void followerSeesLeader() {
        var a = fx.participant("a", A);
        fx.clock.runDueTasks();
        Instant aSince = a.election.leaderInfo().orElseThrow().since().orElseThrow();
        var b = fx.participant("b", B);
        fx.clock.runDueTasks();
        assertFalse(b.election.isLeader());
        int acquires = fx.store.acquires.get();
        LeaderInfo seen = b.election.leaderInfo().orElseThrow();
        assertEquals(acquires, fx.store.acquires.get(), "leaderInfo() called the store");
        assertEquals(new LeaderInfo("a", a.election.fencingToken().getAsLong(), A, Optional.of(aSince)), seen);
        assertEquals(b.election.leader(), Optional.of(seen.participant()), "leader() and leaderInfo() agree");
        // Renewals carry no metadata and change nothing of it, on the leader or its follower.
        fx.advance(Duration.ofSeconds(30));
        assertTrue(a.election.isLeader());
        assertEquals(A, a.election.leaderInfo().orElseThrow().metadata());
        assertEquals(seen, b.election.leaderInfo().orElseThrow());
    }

    @Test
    @DisplayName("ACQUIRED carries the leader's own metadata; after a takeover followers and events show the new one")
    void takeover() throws Exception {
        var a = fx.participant("a", A);
        fx.clock.runDueTasks();
        LeadershipChanged aAcquired = a.nextEvent();
        assertEquals(ChangeCause.ACQUIRED, aAcquired.cause());
        assertEquals(A, aAcquired.leaderMetadata());
        var b = fx.participant("b", B);
        var c = fx.participant("c", C);
        fx.clock.runDueTasks();
        assertEquals(A, b.election.leaderInfo().orElseThrow().metadata());
        assertEquals(A, c.election.leaderInfo().orElseThrow().metadata());

        a.election.stepDown(); // releases; the watch wakes b and c at once
        fx.clock.runDueTasks();
        LeadershipChanged released = a.nextEvent();
        assertEquals(ChangeCause.RELEASED, released.cause());
        assertEquals(Map.of(), released.leaderMetadata(), "no successor known when a released");

        var leader = b.election.isLeader() ? b : c;
        var follower = leader == b ? c : b;
        Map<String, String> expected = leader == b ? B : C;
        assertTrue(leader.election.isLeader());
        LeadershipChanged acquired = leader.nextEvent();
        assertEquals(ChangeCause.ACQUIRED, acquired.cause());
        assertEquals(expected, acquired.leaderMetadata());
        LeaderInfo seen = follower.election.leaderInfo().orElseThrow();
        assertEquals(leader.election.participant(), seen.participant());
        assertEquals(expected, seen.metadata());
        assertEquals(leader.election.fencingToken().getAsLong(), seen.fencingToken());
        assertTrue(seen.fencingToken() > aAcquired.fencingToken().getAsLong());
        // a, out of the race for a renew interval, learns of the new leader at its next acquire.
        fx.advance(EngineFixture.RENEW.plusSeconds(1));
        assertEquals(expected, a.election.leaderInfo().orElseThrow().metadata());
    }

    @Test
    @DisplayName("a leader whose lease was taken learns the new holder's metadata at its next acquire; an unreadable"
            + " baton.since is ignored")
    void lostToAnother() throws Exception {
        var a = fx.participant("a", A);
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        fx.store.steal("jobs", "thief", TTL, Map.of("url", "http://thief", LeaderMetadata.SINCE, "garbage"));
        fx.advance(EngineFixture.RENEW);
        LeadershipChanged lost = a.nextEvent();
        assertEquals(ChangeCause.LOST_TO_ANOTHER, lost.cause());
        // The fake store answers a refused renewal with nothing, so the holder is learnt at the next acquire.
        fx.advance(EngineFixture.RENEW.plusSeconds(1));
        LeaderInfo thief = a.election.leaderInfo().orElseThrow();
        assertEquals("thief", thief.participant());
        assertEquals(Map.of("url", "http://thief"), thief.metadata());
        assertEquals(Optional.empty(), thief.since(), "an unreadable baton.since is ignored, never an error");
    }

    @Test
    @DisplayName("a participant without metadata still stores baton.since; followers see empty metadata")
    void noMetadata() {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        assertEquals(List.of(LeaderMetadata.SINCE), new ArrayList<>(fx.store.acquiredWith.get(0).keySet()));
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        LeaderInfo seen = b.election.leaderInfo().orElseThrow();
        assertEquals(Map.of(), seen.metadata());
        assertTrue(seen.since().isPresent());
        assertEquals(Map.of(), a.baton.metadata());
    }

    @Test
    @DisplayName("on a store that keeps no metadata: one warning (BATON-ENG-0016) for all groups, acquires without")
    void unsupportedStore() throws Exception {
        fx.store.keepsMetadata = false;
        Logger jul = Logger.getLogger(AdvertisedMetadata.class.getName());
        List<String> warnings = new CopyOnWriteArrayList<>();
        Handler handler = new Handler() {
            @Override
            public void publish(LogRecord r) {
                warnings.add(MessageFormat.format(r.getMessage(), r.getParameters()));
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        jul.addHandler(handler);
        try {
            var a = fx.participant("a", A);
            a.baton.election("other-group");
            fx.clock.runDueTasks();
            assertTrue(a.election.isLeader());
            try (HeldLease lease = a.baton.leases().tryAcquire("one-off", TTL).orElseThrow()) {
                assertTrue(lease.isValid());
            }
            fx.store.acquiredWith.forEach(m -> assertEquals(Map.of(), m, "metadata sent to a store without"));
            assertEquals(3, fx.store.acquiredWith.size());
            assertEquals(1, warnings.size(), warnings::toString);
            assertTrue(warnings.get(0).startsWith("BATON-ENG-0016: participant a advertises leader metadata"),
                    warnings.get(0));
            assertTrue(warnings.get(0).contains("[url, zone]") && warnings.get(0).contains("fake"), warnings.get(0));
            var b = fx.participant("b", B);
            fx.clock.runDueTasks();
            assertEquals(new LeaderInfo("a", a.election.fencingToken().getAsLong(), Map.of(), Optional.empty()),
                    b.election.leaderInfo().orElseThrow());
            assertEquals(Map.of(), a.election.leaderInfo().orElseThrow().metadata(), "the store's view, not a wish");
        } finally {
            jul.removeHandler(handler);
        }
    }

    @Test
    @DisplayName("one-off leases store the participant's metadata too")
    void oneOffLease() {
        var a = fx.participant("a", A);
        try (HeldLease lease = a.baton.leases().tryAcquire("nightly import", TTL).orElseThrow()) {
            Map<String, String> stored = fx.store.read("nightly import").orElseThrow().metadata();
            assertEquals(A.get("url"), stored.get("url"));
            assertTrue(stored.containsKey(LeaderMetadata.SINCE));
            assertTrue(lease.isValid());
        }
    }

    @Test
    @DisplayName("Baton.Builder.metadata validates at once, naming the entry; Baton.metadata() is the sorted copy")
    void builder() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Baton.builder().metadata(Map.of("URL", "http://a")));
        assertTrue(e.getMessage().contains("'URL'") && e.getMessage().contains("[a-z][a-z0-9_.-]{0,62}"),
                e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> Baton.builder().metadata(Map.of(LeaderMetadata.SINCE, "x")));
        assertTrue(e.getMessage().contains("reserved"), e.getMessage());
        var a = fx.participant("a", A);
        assertEquals(List.of("url", "zone"), new ArrayList<>(a.baton.metadata().keySet()));
        assertEquals(A, a.baton.metadata());
    }
}
