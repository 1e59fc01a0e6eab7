package dev.baton.backend.file;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tck.fixtures.ParticipantProcess;
import dev.baton.tck.fixtures.Timing;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Real processes sharing one lease directory: the failures the file backend exists to survive. */
class FileMultiProcessIT {
    private static final Duration TTL = Duration.ofSeconds(2);
    private static final Duration RENEW = Duration.ofMillis(500);

    private final List<ParticipantProcess> processes = new ArrayList<>();
    private Path dir;
    private Path logs;

    @BeforeEach
    void dirs(TestInfo info) throws Exception {
        Path base = Path.of("target", "multi-process", info.getTestMethod().orElseThrow().getName());
        dir = Files.createDirectories(base.resolve("leases"));
        logs = Files.createDirectories(base.resolve("logs"));
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.delete(p);
            }
        }
    }

    @AfterEach
    void stop() throws Exception {
        for (ParticipantProcess p : processes) {
            p.close();
        }
    }

    private ParticipantProcess start(String id) throws Exception {
        ParticipantProcess p = FileParticipant.start(dir, "jobs", id, TTL, RENEW, logs);
        processes.add(p);
        return p;
    }

    private static boolean acquired(String line) {
        return line.startsWith("EVENT LEADER ACQUIRED");
    }

    private static long token(String eventLine) {
        return Long.parseLong(eventLine.split(" ")[3]);
    }

    @Test
    @DisplayName("a leader killed with kill -9 is replaced by another process within a second")
    void killedLeaderReplacedAtOnce() throws Exception {
        ParticipantProcess first = start("p1");
        String won = first.await("p1 leads", FileMultiProcessIT::acquired, Duration.ofSeconds(10)).text();
        ParticipantProcess second = start("p2");
        ParticipantProcess third = start("p3");
        assertFalse(second.askLeader() || third.askLeader(), "only p1 leads before the kill");

        int m2 = second.mark();
        int m3 = third.mark();
        long killedAt = System.nanoTime();
        first.kill9();
        long deadline = killedAt + Timing.scaled(Duration.ofSeconds(1)).toNanos();
        ParticipantProcess.Line next = null;
        while (next == null && System.nanoTime() - deadline < 0) {
            for (var c : List.of(new Object[] {second, m2}, new Object[] {third, m3})) {
                ParticipantProcess p = (ParticipantProcess) c[0];
                try {
                    next = p.awaitFrom((int) c[1], "leads", FileMultiProcessIT::acquired, Duration.ofMillis(20));
                    break;
                } catch (AssertionError notYet) {
                    // poll the other one
                }
            }
        }
        assertTrue(next != null, "no process took over within 1 s of kill -9 (ttl is " + TTL + "); p2: "
                + second.texts() + " p3: " + third.texts());
        long tookMs = (next.receivedNanos() - killedAt) / 1_000_000;
        assertTrue(token(next.text()) > token(won), "the new token exceeds the killed leader's");
        System.out.println("kill -9 handover took " + tookMs + " ms");
        assertTrue(second.askLeader() ^ third.askLeader(), "exactly one of p2, p3 leads");
    }

    @Test
    @DisplayName("a leader stopped with SIGSTOP past its lease is replaced, and after SIGCONT knows it lost")
    void stoppedLeaderReplacedAfterLeaseAndStepsDown() throws Exception {
        ParticipantProcess first = start("p1");
        String won = first.await("p1 leads", FileMultiProcessIT::acquired, Duration.ofSeconds(10)).text();
        ParticipantProcess second = start("p2");
        assertFalse(second.askLeader());

        int m2 = second.mark();
        long stoppedAt = System.nanoTime();
        first.signal("STOP");
        ParticipantProcess.Line taken = second.awaitFrom(m2, "p2 leads after p1's lease ran out",
                FileMultiProcessIT::acquired, TTL.plus(Duration.ofSeconds(1)));
        long tookMs = (taken.receivedNanos() - stoppedAt) / 1_000_000;
        System.out.println("SIGSTOP handover took " + tookMs + " ms (ttl " + TTL.toMillis() + " ms)");
        assertTrue(tookMs >= TTL.toMillis() - RENEW.toMillis(),
                "p2 took over after " + tookMs + " ms: before p1's lease could have expired");
        assertTrue(token(taken.text()) > token(won));

        int m1 = first.mark();
        first.signal("CONT");
        first.awaitFrom(m1, "p1 announces it no longer leads", l -> l.startsWith("EVENT FOLLOWER"),
                Duration.ofSeconds(3));
        assertFalse(first.askLeader(), "the resumed process must not think it leads");
        assertTrue(second.askLeader(), "p2 still leads");
    }

    @Test
    @DisplayName("a leader that shuts down hands over at once through the directory watch")
    void gracefulHandover() throws Exception {
        ParticipantProcess first = start("p1");
        first.await("p1 leads", FileMultiProcessIT::acquired, Duration.ofSeconds(10));
        ParticipantProcess second = start("p2");
        int m2 = second.mark();
        long quitAt = System.nanoTime();
        first.send("quit");
        ParticipantProcess.Line taken = second.awaitFrom(m2, "p2 leads", FileMultiProcessIT::acquired,
                Duration.ofSeconds(1));
        System.out.println("graceful handover took " + (taken.receivedNanos() - quitAt) / 1_000_000 + " ms");
    }
}
