package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.Role;
import dev.baton.Term;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** Graceful shutdown: wait for guarded work, then release so a follower takes over at once. */
class ShutdownTest {
    private final EngineFixture fx = new EngineFixture();

    @AfterEach
    void close() {
        fx.close();
    }

    @Test
    @DisplayName("close() waits for open terms, announces SHUTDOWN, releases, and the follower leads at once")
    void gracefulHandover() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
        fx.assertCloseWaitsForOpenTerm(a, a.baton::close);
        var end = a.nextEvent();
        assertEquals(ChangeCause.SHUTDOWN, end.cause());
        assertEquals(Role.FOLLOWER, end.role());
        assertTrue(fx.store.read("jobs").isEmpty() || !"a".equals(fx.store.read("jobs").get().holder()));
        fx.clock.runDueTasks();
        assertTrue(b.election.isLeader());
    }

    @Test
    @DisplayName("role changes are logged on the event thread, so the log line does not delay close()'s release")
    void roleChangeLoggedOffTheClosingThread() throws Exception {
        java.util.List<String> lines;
        try (LogLines log = new LogLines(GroupElection.class, true)) {
            var a = fx.participant("a");
            fx.clock.runDueTasks(); // the acquisition runs on this thread (manual scheduler)
            assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
            a.baton.close(); // the release too
            assertEquals(ChangeCause.SHUTDOWN, a.nextEvent().cause());
            lines = log.lines().stream().filter(l -> l.contains(LogIds.ROLE_CHANGED)).toList();
        }
        assertEquals(2, lines.size(), lines.toString());
        assertTrue(lines.get(0).matches("baton-events-\\S* BATON-ENG-0003: group 'jobs': FOLLOWER -> LEADER \\(ACQUIRED,"
                + " token \\d+\\)"), lines.get(0));
        assertTrue(lines.get(1).matches("baton-events-\\S* BATON-ENG-0003: group 'jobs': LEADER -> FOLLOWER \\(SHUTDOWN,"
                + " token \\d+\\)"), lines.get(1));
    }

    @Test
    @DisplayName("tokens are logged as their digits, without the locale's grouping separators an operator cannot grep")
    void tokensLoggedAsDigits() throws Exception {
        java.util.List<String> lines;
        try (LogLines log = new LogLines(GroupElection.class, false)) {
            fx.store.tokensAfter("jobs", 4_294_967_300L); // a ZooKeeper zxid's size: epoch 1
            var a = fx.participant("a");
            fx.clock.runDueTasks();
            assertEquals(ChangeCause.ACQUIRED, a.nextEvent().cause());
            a.baton.close();
            assertEquals(ChangeCause.SHUTDOWN, a.nextEvent().cause());
            Waits.until("both lines", () -> log.lines().size() >= 2);
            lines = log.lines();
        }
        assertEquals(java.util.List.of("BATON-ENG-0003: group 'jobs': FOLLOWER -> LEADER (ACQUIRED, token 4294967301)",
                "BATON-ENG-0003: group 'jobs': LEADER -> FOLLOWER (SHUTDOWN, token 4294967301)"), lines);
    }

    @Test
    @DisplayName("close() is logged once its release is answered, not while the successor waits; its listeners hear"
            + " of it at once")
    void closeLoggedAfterItsRelease() throws Exception {
        try (LogLines log = new LogLines(GroupElection.class, false)) {
            var a = fx.leader("a");
            CountDownLatch gate = new CountDownLatch(1);
            fx.store.releaseGate = gate; // the release waits there: a slow backend
            Thread closer = new Thread(a.baton::close, "closer");
            closer.start();
            assertEquals(ChangeCause.SHUTDOWN, a.nextEvent().cause(), "the listeners are told at once");
            Waits.until("the release is under way", () -> fx.store.releases.get() == 1);
            // Written before the listeners in the same task, the line would be there by now if it were not held.
            assertFalse(log.lines().stream().anyMatch(l -> l.contains("LEADER -> FOLLOWER")), log.lines().toString());
            gate.countDown();
            closer.join(Waits.generous().toMillis());
            assertFalse(closer.isAlive(), "close() returned");
            Waits.until("the line is written after the release", () -> log.lines().stream()
                    .anyMatch(l -> l.matches("BATON-ENG-0003: group 'jobs': LEADER -> FOLLOWER \\(SHUTDOWN,"
                            + " token \\d+\\)")));
        }
    }

    @Test
    @DisplayName("a step-down is logged once its release ran; a failed release is logged all the same")
    void stepDownLoggedAfterItsRelease() throws Exception {
        try (LogLines log = new LogLines(GroupElection.class, false)) {
            var a = fx.leader("a");
            a.election.stepDown(); // the release is a step of the manual clock: not run yet
            assertEquals(ChangeCause.RELEASED, a.nextEvent().cause());
            assertFalse(log.lines().stream().anyMatch(l -> l.contains("LEADER -> FOLLOWER")), log.lines().toString());
            fx.store.failEverything = true; // the release fails: the line must not wait for a retry
            fx.clock.runDueTasks();
            Waits.until("the step-down's line", () -> log.lines().stream()
                    .anyMatch(l -> l.contains("LEADER -> FOLLOWER (RELEASED")));
            fx.store.failEverything = false;
        }
    }

    @Test
    @DisplayName("close() logs what it released and how long it took")
    void shutdownIsLogged() {
        java.util.List<String> lines;
        try (LogLines log = new LogLines(Baton.class, false)) {
            var a = fx.participant("a");
            fx.clock.runDueTasks();
            a.baton.election("other"); // started, never led: the clock does not run its acquisition
            a.baton.close();
            lines = log.lines();
        }
        String line = closeLine(lines);
        assertTrue(line.matches("BATON-ENG-0015: Baton of participant a closed in \\d+ ms: 2 election\\(s\\) stopped; it led and"
                + " released jobs \\(.*"), line);
    }

    @Test
    @DisplayName("close() of a participant leading many groups names 20 of them and counts the rest")
    void shutdownLineBounded() {
        java.util.List<String> lines;
        try (LogLines log = new LogLines(Baton.class, false)) {
            var a = fx.participant("a");
            for (int i = 10; i < 34; i++) {
                a.baton.election("g" + i);
            }
            fx.clock.runDueTasks(); // "jobs" and g10..g33: 25 groups led
            a.baton.close();
            lines = log.lines();
        }
        String line = closeLine(lines);
        assertTrue(line.contains("25 election(s) stopped; it led and released g10, g11, "), line);
        assertTrue(line.contains(", g29 and 5 more (a failed release"), line);
        assertFalse(line.contains("jobs"), line);
    }

    private static String closeLine(java.util.List<String> lines) {
        return lines.stream().filter(l -> l.contains("closed in")).findFirst()
                .orElseThrow(() -> new AssertionError("no shutdown line in " + lines));
    }

    @Test
    @DisplayName("a Term is valid only for the tenure it was entered in")
    void termValidity() {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        try (Term term = a.election.tryEnter().orElseThrow()) {
            assertTrue(term.isValid());
            a.election.stepDown();
            assertFalse(term.isValid());
        }
    }

    @Test
    @DisplayName("a follower's close() releases nothing and announces nothing")
    void followerShutdown() throws Exception {
        var a = fx.participant("a");
        fx.clock.runDueTasks();
        var b = fx.participant("b");
        fx.clock.runDueTasks();
        int releases = fx.store.releases.get();
        b.baton.close();
        assertEquals(releases, fx.store.releases.get());
        assertTrue(b.events.isEmpty());
        assertTrue(a.election.isLeader());
    }
}
