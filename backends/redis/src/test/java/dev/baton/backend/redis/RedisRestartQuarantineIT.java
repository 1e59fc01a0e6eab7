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
import dev.baton.tck.fixtures.FaultyStore;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The restart quarantine ({@link RestartQuarantine}): a Redis restarted without persistence comes back empty while the
 * old holder still trusts its grant until its local deadline; no new grant may overlap that. Safety (the old holder's
 * trusted interval and the new grant never overlap) is asserted unconditionally; liveness (a leader again after the
 * quarantine) with generous scaled bounds.
 *
 * <p>The mode under test is {@code auto} unless the system property {@value #MODE_PROPERTY} says otherwise: run with
 * {@code -Dbaton.test.redis.restart-quarantine=off} to see the safety tests fail as the store did before the quarantine
 * existed (the new leader is granted right after the restart, while the old one still trusts its grant).
 */
class RedisRestartQuarantineIT {
    /** Overrides the mode of the stores of the in-memory tests, to check that the tests catch an overlap. */
    static final String MODE_PROPERTY = "baton.test.redis.restart-quarantine";
    /** Bound of every wait for something that must happen eventually (scaled by {@link Await}). */
    private static final Duration LIVENESS = Duration.ofSeconds(30);
    /** Call timeout of stores used directly: not about timing, so a slow answer on a busy machine is no failure. */
    private static final Duration PATIENT_CALL = Duration.ofSeconds(5);

    private final Duration ttl = Timing.scaled(Duration.ofSeconds(3));
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private RedisServer server;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
        if (server != null) {
            server.close();
        }
    }

    private static RestartQuarantine modeUnderTest() {
        String raw = System.getProperty(MODE_PROPERTY, "auto");
        return RestartQuarantine.parse(raw).orElseThrow(() -> new IllegalArgumentException(
                MODE_PROPERTY + "='" + raw + "' is invalid; expected " + RestartQuarantine.VALID_VALUES));
    }

    private RedisLeaseStore store(RestartQuarantine quarantine, Duration timeout) {
        RedisLeaseStore s = RedisLeaseStore.builder().uri(server.uri()).timeout(timeout).restartQuarantine(quarantine)
                .build();
        toClose.add(s);
        return s;
    }

    /**
     * Calls {@code attempt} until it answers, keeping the quarantine refusals ({@code BATON-REDIS-0003}) it threw;
     * other store failures (reconnecting after the restart) are retried too.
     */
    private static <T> T untilAnswered(String what, Supplier<Optional<T>> attempt, List<String> refusals) {
        return Await.untilPresent(what, () -> {
            try {
                return attempt.get();
            } catch (LeaseStoreException e) {
                if (e.getMessage().startsWith(LogIds.RESTART_QUARANTINE)) {
                    refusals.add(e.getMessage());
                }
                return Optional.empty();
            }
        }, LIVENESS);
    }

    private Optional<LeaseRecord> grantTo(LeaseStore store, String name, String holder) {
        return store.tryAcquire(name, holder, ttl).filter(r -> r.holder().equals(holder));
    }

    @Test
    @DisplayName("in-memory Redis restarted under a holder: a participant that never saw the old server is granted "
            + "the lease only after the old grant's whole ttl; the old holder's renewal finds the lease lost")
    void noGrantOverlapsTheOldOne() {
        RestartQuarantine mode = modeUnderTest();
        long beforeStart = System.nanoTime();
        server = new RedisServer().start();
        RedisLeaseStore a = store(mode, PATIENT_CALL);
        List<String> firstUse = new CopyOnWriteArrayList<>();
        LeaseRecord first = untilAnswered("a is granted the lease on the new server", () -> grantTo(a, "q", "a"),
                firstUse);
        if (mode != RestartQuarantine.OFF) {
            // A new server cannot be told from a restarted one: its first grant waits one ttl too.
            long waited = System.nanoTime() - beforeStart;
            assertTrue(waited >= ttl.toNanos(), "granted " + waited / 1_000_000 + " ms after the server started,"
                    + " within the ttl of " + ttl.toMillis() + " ms");
        }

        long t0 = System.nanoTime();
        LeaseRecord old = a.tryAcquire("q", "a", ttl).orElseThrow();
        assertEquals(first.token(), old.token(), "a confirms its own lease");
        // a trusts this grant until at most t0 + ttl (the engine subtracts its safety margin).
        long oldTrustEnds = t0 + ttl.toNanos();

        server.stop();
        server.startAgain();
        long restarted = System.nanoTime();
        List<String> refusals = new CopyOnWriteArrayList<>();
        // A participant that never saw the old server (a fresh JVM): only the server can tell it to wait.
        RedisLeaseStore b = store(mode, PATIENT_CALL);
        boolean renewed = untilAnswered("a's renewal answers", () -> Optional.of(
                a.renew("q", "a", old.token(), ttl).isPresent()), refusals);
        assertFalse(renewed, "a's renewal must find the lease lost: the restart without persistence emptied Redis");
        LeaseRecord next = untilAnswered("b is granted the lease after the quarantine", () -> grantTo(b, "q", "b"),
                refusals);
        long grantedAt = System.nanoTime();

        System.out.printf("[quarantine] mode %s, ttl %d ms: b granted %d ms after the restart, %d ms after a's trust"
                + " ended; %d refusals%n", mode.configValue(), ttl.toMillis(), (grantedAt - restarted) / 1_000_000,
                (grantedAt - oldTrustEnds) / 1_000_000, refusals.size());
        assertTrue(grantedAt - oldTrustEnds >= 0, "b was granted " + (oldTrustEnds - grantedAt) / 1_000_000
                + " ms before a's grant (asked for before the restart) stopped being trusted: two leaders");
        assertTrue(next.token() > old.token(), next.token() + " must exceed " + old.token());
        assertFalse(refusals.isEmpty(), "b must have been refused while in quarantine");
        String message = refusals.get(0);
        for (String part : List.of("BATON-REDIS-0003: Redis at " + RedisUris.describe(io.lettuce.core.RedisURI.create(
                server.uri())), "appendonly no", "refused", "until about ", "appendonly yes and appendfsync always",
                "baton.redis.restart-quarantine=off")) {
            assertTrue(message.contains(part), "'" + part + "' missing from: " + message);
        }
    }

    @Test
    @DisplayName("in-memory Redis restarted under a leader that can no longer reach it: the new leader starts only "
            + "after the old leader's tenure stopped being valid, and the group has a leader again after the quarantine")
    void noLeaderOverlapsTheOldOne() {
        RestartQuarantine mode = modeUnderTest();
        server = new RedisServer().start();
        ElectionSettings settings = ElectionSettings.of(ttl, Timing.scaled(Duration.ofMillis(500)));
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        // a reaches Redis through a switch: cut off before the restart, it trusts its tenure until its local deadline.
        FaultyStore aLink = new FaultyStore(store(mode, ttl.dividedBy(3)));
        LeaderElection a = participant("a", aLink, settings, events);
        Await.until("a leads (after the new server's first-use quarantine)", a::isLeader, LIVENESS);
        LeaderElection b = participant("b", store(mode, ttl.dividedBy(3)), settings, events);

        aLink.failAll();
        server.stop();
        server.startAgain();
        long restarted = System.nanoTime();
        Await.until("b leads after the quarantine", b::isLeader, LIVENESS);
        long leading = System.nanoTime();
        // Events reach the listeners on another thread: wait for them rather than read them at an instant.
        Await.until("a's every tenure has ended", () -> !a.isLeader() && tenures(events, "a").stream()
                .allMatch(t -> t.end().isPresent()), LIVENESS);
        Await.until("b's ACQUIRED event arrives", () -> tenures(events, "b").stream()
                .anyMatch(t -> t.end().isEmpty()), LIVENESS);

        List<Tenure> aTenures = tenures(events, "a");
        List<Tenure> bTenures = tenures(events, "b");
        System.out.printf("[quarantine] mode %s, ttl %d ms: b leads %d ms after the restart; a %s; b %s%n",
                mode.configValue(), ttl.toMillis(), (leading - restarted) / 1_000_000, aTenures, bTenures);
        for (Tenure x : aTenures) {
            for (Tenure y : bTenures) {
                assertFalse(x.overlaps(y), "two leaders: a " + x + " and b " + y + "; events " + events);
            }
        }
        LeadershipChanged aLast = events.stream().filter(e -> e.participant().equals("a") && e.lost())
                .reduce((p, q) -> q).orElseThrow();
        assertTrue(aLast.cause() == ChangeCause.BACKEND_UNAVAILABLE || aLast.cause() == ChangeCause.EXPIRED,
                "a, cut off from Redis, ends by its deadline: " + aLast);
    }

    /**
     * One tenure of a participant, as its events tell it: from its {@code ACQUIRED} instant to the instant it stopped
     * being valid ({@link LeadershipChanged#validUntil()}), open while it lasts.
     */
    private record Tenure(long token, Instant start, Optional<Instant> end) {
        boolean overlaps(Tenure other) {
            boolean thisBeforeOther = end.isPresent() && !end.get().isAfter(other.start);
            boolean otherBeforeThis = other.end.isPresent() && !other.end.get().isAfter(start);
            return !thisBeforeOther && !otherBeforeThis;
        }

        @Override
        public String toString() {
            return "token " + token + " from " + start + " to " + end.map(Instant::toString).orElse("now");
        }
    }

    private static List<Tenure> tenures(List<LeadershipChanged> events, String participant) {
        List<Tenure> tenures = new ArrayList<>();
        for (LeadershipChanged e : events) {
            if (!e.participant().equals(participant)) {
                continue;
            }
            if (e.acquired()) {
                tenures.add(new Tenure(e.fencingToken().getAsLong(), e.at(), Optional.empty()));
            } else if (e.lost() && !tenures.isEmpty()) {
                Tenure open = tenures.remove(tenures.size() - 1);
                tenures.add(new Tenure(open.token(), open.start(), Optional.of(e.validUntil())));
            }
        }
        return tenures;
    }

    private LeaderElection participant(String id, LeaseStore store, ElectionSettings settings,
            List<LeadershipChanged> events) {
        Baton baton = Baton.builder().participant(id).store(store).defaults(settings)
                .shutdownTimeout(Duration.ofSeconds(2)).build();
        toClose.add(baton);
        LeaderElection e = baton.election("quarantined");
        e.onChange(events::add);
        return e;
    }

    @Test
    @DisplayName("Redis with appendonly yes and appendfsync always: no quarantine, neither on a new server nor after "
            + "a SIGKILL; the lease survives the restart and its holder keeps it; always still quarantines")
    void appendOnlyNeedsNoQuarantine() {
        server = RedisServer.appendOnly().start();
        RedisLeaseStore a = store(RestartQuarantine.AUTO, PATIENT_CALL);
        // No retry: on a new append-only server the first acquire is granted at once.
        LeaseRecord old = a.tryAcquire("kept", "a", Duration.ofSeconds(60)).orElseThrow();
        assertEquals("a", old.holder());

        server.process().kill();
        long beforeRestart = System.nanoTime();
        server.startAgain();
        RedisLeaseStore b = store(RestartQuarantine.AUTO, PATIENT_CALL);
        List<String> refusals = new CopyOnWriteArrayList<>();
        LeaseRecord seen = untilAnswered("b's acquire answers", () -> b.tryAcquire("kept", "b",
                Duration.ofSeconds(60)), refusals);
        assertEquals("a", seen.holder(), "the append-only file kept a's lease");
        assertEquals(old.token(), seen.token());
        LeaseRecord renewed = untilAnswered("a's renewal answers", () -> a.renew("kept", "a", old.token(),
                Duration.ofSeconds(60)), refusals);
        assertEquals(old.token(), renewed.token());
        assertTrue(a.release("kept", "a", old.token()));
        LeaseRecord next = b.tryAcquire("kept", "b", Duration.ofSeconds(60)).orElseThrow();
        assertEquals("b", next.holder(), "granted at once after the release, on a server up for a moment");
        assertTrue(next.token() > old.token());
        assertEquals(List.of(), refusals, "auto never quarantines a server with an append-only file");

        // always: the same server, a fresh lease, refused until the server has been up for the ttl plus a second.
        RedisLeaseStore c = store(RestartQuarantine.ALWAYS, PATIENT_CALL);
        untilAnswered("c is granted after the quarantine", () -> grantTo(c, "always", "c"), refusals);
        long waited = System.nanoTime() - beforeRestart;
        assertTrue(waited >= ttl.toNanos(), "granted " + waited / 1_000_000 + " ms after the restart, within the"
                + " ttl of " + ttl.toMillis() + " ms");
        assertFalse(refusals.isEmpty(), "always must refuse a server up for less than the ttl");
        assertTrue(refusals.get(0).contains("baton.redis.restart-quarantine=always"), refusals.get(0));
    }

    @Test
    @DisplayName("Redis refusing INFO: every acquire fails with BATON-REDIS-0004 naming the way out, and off works")
    void infoRefused() {
        server = new RedisServer("--rename-command", "INFO", "").start();
        RedisLeaseStore auto = store(RestartQuarantine.AUTO, PATIENT_CALL);
        LeaseStoreException e = untilAnswered("the acquire fails other than by connecting", () -> {
            try {
                auto.tryAcquire("no-info", "a", ttl);
                return Optional.of(new LeaseStoreException("granted without INFO"));
            } catch (LeaseStoreException refused) {
                return refused.getMessage().contains("BATON-REDIS-0004") ? Optional.of(refused) : Optional.empty();
            }
        }, new ArrayList<>());
        assertTrue(e.getMessage().contains("BATON-REDIS-0004"), e.getMessage());
        assertTrue(e.getMessage().contains("baton.redis.restart-quarantine=off"), e.getMessage());
        RedisLeaseStore off = store(RestartQuarantine.OFF, PATIENT_CALL);
        assertEquals("b", off.tryAcquire("no-info", "b", ttl).orElseThrow().holder());
    }
}
