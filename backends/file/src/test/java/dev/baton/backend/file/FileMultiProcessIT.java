package dev.baton.backend.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.spi.LeaseRecord;
import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.ParticipantProcess;
import dev.baton.tck.fixtures.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Real processes sharing one lease directory: the failures the file backend exists to survive.
 *
 * <p>Every wait is bounded generously (scaled by {@code baton.test.timing-multiple}): the child JVMs compete with
 * everything else on a busy machine. What makes a takeover "at once" is therefore not a short bound but a long lease:
 * where the test is about the liveness lock or the release, the ttl is far longer than any bound, so only that
 * mechanism can explain the takeover.
 */
class FileMultiProcessIT {
    /** For takeovers that must not wait for expiry: far longer than the test. */
    private static final Duration LONG_TTL = Duration.ofSeconds(60);
    /** For the test about expiry: short, yet long enough that a busy machine does not starve p1 out of its lease. */
    private static final Duration EXPIRY_TTL = Duration.ofSeconds(4);
    private static final Duration RENEW = Duration.ofMillis(500);
    /** The bound (before scaling) on things that take milliseconds to a few seconds. */
    private static final Duration GENEROUS = Duration.ofSeconds(20);
    /** Wall-clock millisecond rounding and clock-rate noise between the wall clock and the monotonic clock. */
    private static final long CLOCK_TOLERANCE_NANOS = Duration.ofMillis(20).toNanos();

    /**
     * The probes' lock timeout: a store call waits at most this (+ 0.5 s) for its I/O, and a wait for a stopped
     * process would never end, so any bound tells the two apart; scaled, so a busy machine's own delays do not.
     */
    private static final Duration PROBE_LOCK_TIMEOUT = Timing.scaled(Duration.ofSeconds(2));

    private final List<ParticipantProcess> processes = new ArrayList<>();
    private Path dir;
    private Path logs;

    @BeforeEach
    void dirs(TestInfo info) throws Exception {
        Path base = Path.of("target", "multi-process", info.getTestMethod().orElseThrow().getName());
        dir = Files.createDirectories(base.resolve("leases"));
        logs = Files.createDirectories(base.resolve("logs"));
        // What an earlier run left (lease files and their records directories), deepest first.
        try (var files = Files.walk(dir)) {
            for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                if (!p.equals(dir)) {
                    Files.delete(p);
                }
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (ParticipantProcess p : processes) {
            p.close();
        }
    }

    private ParticipantProcess start(String id, Duration ttl) throws Exception {
        ParticipantProcess p = FileParticipant.start(dir, "jobs", id, ttl, RENEW, logs);
        processes.add(p);
        return p;
    }

    private static boolean acquired(String line) {
        return line.startsWith("EVENT LEADER ACQUIRED");
    }

    private static long token(String eventLine) {
        return Long.parseLong(eventLine.split(" ")[3]);
    }

    /** The child's {@link System#nanoTime()} when it announced the event (same host: the same monotonic clock). */
    private static long eventNanos(String eventLine) {
        return Long.parseLong(eventLine.split(" ")[4]);
    }

    /** A participant's first ACQUIRED line from index {@code from} on, if it printed one yet (does not wait). */
    private static Optional<ParticipantProcess.Line> acquiredSince(ParticipantProcess p, int from) {
        try {
            return Optional.of(p.awaitFrom(from, "leads", FileMultiProcessIT::acquired, Duration.ZERO));
        } catch (AssertionError notYet) {
            return Optional.empty();
        }
    }

    private record Takeover(ParticipantProcess by, ParticipantProcess.Line line) {}

    @Test
    @DisplayName("a leader killed with kill -9 is replaced by another process at once, long before its lease expires")
    void killedLeaderReplacedAtOnce() throws Exception {
        ParticipantProcess first = start("p1", LONG_TTL);
        String won = first.await("p1 leads", FileMultiProcessIT::acquired, GENEROUS).text();
        ParticipantProcess second = start("p2", LONG_TTL);
        ParticipantProcess third = start("p3", LONG_TTL);
        assertFalse(second.askLeader() || third.askLeader(), "only p1 leads before the kill");

        int m2 = second.mark();
        int m3 = third.mark();
        long killedAt = System.nanoTime();
        first.kill9();
        Takeover next = Await.untilPresent("p2 or p3 leads after the kill -9 of p1 (p2: " + second.texts() + ", p3: "
                        + third.texts() + ")",
                () -> acquiredSince(second, m2).map(l -> new Takeover(second, l))
                        .or(() -> acquiredSince(third, m3).map(l -> new Takeover(third, l))),
                GENEROUS);
        long tookNanos = eventNanos(next.line().text()) - killedAt;
        System.out.println("kill -9 handover took " + tookNanos / 1_000_000 + " ms");
        assertTrue(tookNanos < LONG_TTL.toNanos(), "the takeover came only at expiry, not from the liveness lock: "
                + tookNanos / 1_000_000 + " ms");
        assertTrue(token(next.line().text()) > token(won), "the new token exceeds the killed leader's");
        ParticipantProcess other = next.by() == second ? third : second;
        assertTrue(next.by().askLeader(), next.by().id() + " leads");
        assertFalse(other.askLeader(), "exactly one of p2, p3 leads");
    }

    @Test
    @DisplayName("a leader stopped with SIGSTOP is replaced only once its lease has expired, and after SIGCONT knows"
            + " it lost")
    void stoppedLeaderReplacedAfterLeaseAndStepsDown() throws Exception {
        ParticipantProcess first = start("p1", EXPIRY_TTL);
        String won = first.await("p1 leads", FileMultiProcessIT::acquired, GENEROUS).text();
        ParticipantProcess second = start("p2", EXPIRY_TTL);
        assertFalse(second.askLeader(), "p1 holds the lease, so p2 cannot lead");

        int m2 = second.mark();
        Frozen frozen = freeze(first);
        LeaseRecord held = frozen.record().orElseThrow(
                () -> new AssertionError("p1 no longer held the lease when it was frozen: " + first.texts()));
        assertEquals("p1", held.holder(), "p1 holds the lease when it is frozen");
        // The store's own record at the freeze: p1 cannot renew it any more, and its liveness slot stays locked, so
        // nobody may take over before this instant (lower bound: the read happened after readStartNanos).
        long expiresNoEarlierThan = frozen.readStartNanos() + held.remaining().toNanos();

        ParticipantProcess.Line taken = second.awaitFrom(m2, "p2 leads after p1's lease ran out",
                FileMultiProcessIT::acquired, EXPIRY_TTL.plus(GENEROUS));
        long takenAt = eventNanos(taken.text());
        System.out.println("SIGSTOP handover took " + (takenAt - frozen.readStartNanos()) / 1_000_000 + " ms after the"
                + " freeze (ttl " + EXPIRY_TTL.toMillis() + " ms, " + held.remaining().toMillis() + " ms left)");
        assertTrue(takenAt - expiresNoEarlierThan >= -CLOCK_TOLERANCE_NANOS, "p2 took over "
                + (expiresNoEarlierThan - takenAt) / 1_000_000 + " ms before the frozen p1's lease expired");
        assertTrue(token(taken.text()) > token(won), "the new token exceeds p1's");

        List<String> before = first.texts();
        int afterLastAcquired = 0;
        for (int i = 0; i < before.size(); i++) {
            if (acquired(before.get(i))) {
                afterLastAcquired = i + 1;
            }
        }
        first.signal("CONT");
        first.awaitFrom(afterLastAcquired, "p1 announces it no longer leads", l -> l.startsWith("EVENT FOLLOWER"),
                GENEROUS);
        assertFalse(first.askLeader(), "the resumed process must not think it leads");
        assertTrue(second.askLeader(), "p2 still leads");
    }

    /** A participant frozen with SIGSTOP, and the lease as the store recorded it then. */
    private record Frozen(Optional<LeaseRecord> record, long readStartNanos) {}

    /**
     * Sends SIGSTOP, whatever the participant is doing, and reads the lease. The read must not wait for the frozen
     * process even if it was stopped in the middle of a store operation (the writes are lock-free): any such wait
     * would last until SIGCONT and fail the read at its lock timeout.
     */
    private Frozen freeze(ParticipantProcess p) throws Exception {
        try (FileLeaseStore probe = FileLeaseStore.open(dir, PROBE_LOCK_TIMEOUT, Duration.ofSeconds(1), false)) {
            p.signal("STOP");
            long readStart = System.nanoTime();
            return new Frozen(probe.read("jobs"), readStart);
        }
    }

    @Test
    @DisplayName("a process stopped in the middle of a store operation blocks no other process")
    void processStoppedMidOperationBlocksNobody() throws Exception {
        ParticipantProcess hammer = FileHammer.start(dir, "jobs", "hammer", LONG_TTL, logs);
        processes.add(hammer);
        // Short ttl for the probe's own grants, so the hammer gets the lease back between freezes.
        Duration probeTtl = Duration.ofMillis(100);
        // Waiting for the frozen process would last until SIGCONT, so it would exceed any lock timeout.
        try (FileLeaseStore probe = FileLeaseStore.open(dir, PROBE_LOCK_TIMEOUT, Duration.ofSeconds(1), false)) {
            // The first operation on a lease moves it from the earlier layout under a lock, once: done before the
            // freezes, which are about every later operation.
            probe.read("jobs");
            int grants = 0;
            for (int i = 0; i < 20; i++) {
                hammer.signal("STOP");
                try {
                    // The hammer holds the lease (if it does) with a live liveness slot: the probe is refused or,
                    // when the hammer was between a release and its next grant, granted. Never an exception.
                    Optional<LeaseRecord> seen = probe.read("jobs");
                    Optional<LeaseRecord> got = probe.tryAcquire("jobs", "probe", probeTtl);
                    assertTrue(got.isPresent(), "tryAcquire always answers a record: " + got);
                    if (got.get().holder().equals("probe")) {
                        grants++;
                        assertTrue(seen.map(r -> r.token() < got.get().token()).orElse(true),
                                "a grant's token exceeds the one read before it: " + seen + " then " + got);
                        assertTrue(probe.release("jobs", "probe", got.get().token()), "the probe releases its grant");
                    }
                } finally {
                    hammer.signal("CONT");
                }
                // Fault timing, not synchronisation: let the hammer run into other operations before the next STOP.
                Thread.sleep(13 + 7 * i);
            }
            System.out.println("stopped the hammer 20 times; the probe was granted the lease " + grants + " times");
        }
    }

    @Test
    @DisplayName("a leader that shuts down hands over at once through the directory watch, long before expiry")
    void gracefulHandover() throws Exception {
        ParticipantProcess first = start("p1", LONG_TTL);
        String won = first.await("p1 leads", FileMultiProcessIT::acquired, GENEROUS).text();
        ParticipantProcess second = start("p2", LONG_TTL);
        assertFalse(second.askLeader(), "p1 holds the lease, so p2 cannot lead");
        int m2 = second.mark();
        long quitAt = System.nanoTime();
        first.send("quit");
        ParticipantProcess.Line taken = second.awaitFrom(m2, "p2 leads", FileMultiProcessIT::acquired, GENEROUS);
        long tookNanos = eventNanos(taken.text()) - quitAt;
        System.out.println("graceful handover took " + tookNanos / 1_000_000 + " ms");
        assertTrue(tookNanos < LONG_TTL.toNanos(), "the takeover came only at expiry, not from the release: "
                + tookNanos / 1_000_000 + " ms");
        assertTrue(token(taken.text()) > token(won), "the new token exceeds p1's");
        first.await("p1 closed", l -> l.startsWith("CLOSED"), GENEROUS);
    }
}
