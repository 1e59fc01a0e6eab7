package dev.baton.backend.raft;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.tck.fixtures.Await;
import dev.baton.testfixtures.FreePorts;
import dev.baton.testfixtures.ParticipantProcess;
import dev.baton.tck.fixtures.Timing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Three JVMs, each a member of the Raft group and a participant competing for one group: the application is its own
 * store. Faults are real: {@code kill -9} and {@code SIGSTOP}/{@code SIGCONT} of a whole process (member and
 * participant at once).
 *
 * <p>Every wait is bounded generously (scaled): the child JVMs compete with everything else on a busy machine.
 * Safety (one leader at a time, tokens only grow, a frozen leader knows it lost when it wakes) is asserted whatever
 * the timing.
 */
class RaftMultiProcessIT {
    private static final Duration TTL = Timing.scaled(Duration.ofSeconds(3));
    private static final Duration RENEW = Timing.scaled(Duration.ofMillis(500));
    private static final Duration FAILURE_DETECTION = Duration.ofSeconds(3);
    /** The bound (before scaling) on a takeover: failure detection, a vote, a full ttl, and a busy machine. */
    private static final Duration GENEROUS = Duration.ofSeconds(60);

    private final List<ParticipantProcess> processes = new ArrayList<>();
    private Path base;
    /** The {@code baton.raft.members} of the group the test started. */
    private String members;

    @BeforeEach
    void dirs(TestInfo info) throws IOException {
        base = Path.of("target", "multi-process", info.getTestMethod().orElseThrow().getName());
        if (Files.exists(base)) {
            try (Stream<Path> files = Files.walk(base)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        Files.createDirectories(base.resolve("logs"));
    }

    @AfterEach
    void stop() throws InterruptedException {
        for (ParticipantProcess p : processes) {
            p.close();
        }
    }

    /** Every grant has its own token: no two processes ever announced the same one. */
    private void assertTokensUnique() {
        java.util.Map<Long, String> owners = new java.util.HashMap<>();
        for (ParticipantProcess p : processes) {
            for (String line : p.texts()) {
                if (acquired(line)) {
                    String before = owners.putIfAbsent(token(line), p.id());
                    assertTrue(before == null || before.equals(p.id()), () -> "token " + token(line)
                            + " announced by " + before + " and " + p.id());
                }
            }
        }
    }

    /** Starts three member-participants, one after the other, all competing for one group. */
    private List<ParticipantProcess> startGroup() throws IOException {
        return startGroup(false, TTL, RENEW);
    }

    /**
     * Starts three member-participants, one after the other.
     *
     * @param groupEach whether each competes for a group of its own ({@code jobs-<id>}) instead of one for all
     */
    private List<ParticipantProcess> startGroup(boolean groupEach, Duration ttl, Duration renew) throws IOException {
        return startGroup(3, groupEach, ttl, renew);
    }

    private List<ParticipantProcess> startGroup(int size, boolean groupEach, Duration ttl, Duration renew)
            throws IOException {
        int[] ports = FreePorts.next(size);
        members = java.util.stream.IntStream.range(0, size)
                .mapToObj(i -> "node-" + (i + 1) + "@127.0.0.1:" + ports[i]).collect(Collectors.joining(","));
        for (int i = 0; i < size; i++) {
            String id = "node-" + (i + 1);
            processes.add(RaftParticipant.start(members, id, base.resolve("data").resolve(id), FAILURE_DETECTION,
                    groupEach ? "jobs-" + id : "jobs", ttl, renew, base.resolve("logs")));
        }
        return List.copyOf(processes);
    }

    /** Waits until every process of a group started with a group each leads it. */
    private static void awaitEachLeads(List<ParticipantProcess> group) {
        for (ParticipantProcess p : group) {
            p.await(p.id() + " leads its own group", RaftMultiProcessIT::acquired, GENEROUS);
        }
    }

    /** Whether the member in {@code p} said last that it is the Raft leader (its BATON-RAFT-0004 log lines). */
    private boolean isRaftLeader(ParticipantProcess p) {
        try (Stream<String> lines = Files.lines(base.resolve("logs").resolve(p.id() + ".stderr.log"))) {
            String last = lines.filter(l -> l.contains("BATON-RAFT-0004: Raft member " + p.id() + " is now"))
                    .reduce((a, b) -> b).orElse("");
            return last.contains("is now the leader");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean acquired(String line) {
        return line.startsWith("EVENT LEADER ACQUIRED");
    }

    private static long token(String eventLine) {
        return Long.parseLong(eventLine.split(" ")[3]);
    }

    /**
     * The process whose participant leads now (asked over stdin, one after the other), once exactly one says so. The
     * answers are not taken at one instant, so two "true" during a handover prove nothing: ask again.
     */
    private static ParticipantProcess leader(List<ParticipantProcess> group) {
        return Await.untilPresent("exactly one participant leads", () -> {
            List<ParticipantProcess> leading = new ArrayList<>();
            for (ParticipantProcess p : group) {
                try {
                    if (p.isAlive() && p.askLeader()) {
                        leading.add(p);
                    }
                } catch (IOException e) {
                    throw new AssertionError(e);
                }
            }
            return leading.size() == 1 ? Optional.of(leading.get(0)) : Optional.empty();
        }, GENEROUS);
    }

    /** The newest ACQUIRED token a participant printed. */
    private static long newestToken(ParticipantProcess p) {
        return p.texts().stream().filter(RaftMultiProcessIT::acquired).mapToLong(RaftMultiProcessIT::token).max()
                .orElse(-1);
    }

    /** The first ACQUIRED line any of {@code others} printed from its mark on. */
    private static ParticipantProcess.Line takeover(List<ParticipantProcess> others, List<Integer> marks) {
        return Await.untilPresent("another participant takes over", () -> {
            for (int i = 0; i < others.size(); i++) {
                try {
                    return Optional.of(others.get(i).awaitFrom(marks.get(i), "leads", RaftMultiProcessIT::acquired,
                            Duration.ZERO));
                } catch (AssertionError notYet) {
                    // try the next
                }
            }
            return Optional.empty();
        }, GENEROUS);
    }

    @Test
    @DisplayName("kill -9 of the leader's process (participant and Raft member at once): another process leads with a"
            + " greater token, and only one")
    void leaderKilled() throws Exception {
        List<ParticipantProcess> group = startGroup();
        ParticipantProcess first = leader(group);
        long firstToken = newestToken(first);
        List<ParticipantProcess> others = group.stream().filter(p -> p != first).toList();
        List<Integer> marks = others.stream().map(ParticipantProcess::mark).toList();
        long killedAt = System.nanoTime();
        first.kill9();
        ParticipantProcess.Line next = takeover(others, marks);
        System.out.println("kill -9 handover took " + (next.receivedNanos() - killedAt) / 1_000_000 + " ms (ttl "
                + TTL.toMillis() + " ms)");
        assertTrue(token(next.text()) > firstToken, () -> "token " + next.text() + " after " + firstToken);
        ParticipantProcess second = leader(others);
        assertTrue(newestToken(second) >= token(next.text()), "tokens only grow");
        assertTokensUnique();
    }

    @Test
    @DisplayName("kill -9 of the Raft leader's process: the other processes keep leading their groups with the same"
            + " tokens (their renewals go through the new Raft leader, which restarts every lease timer)")
    void raftLeaderKilledWhileOthersLead() throws Exception {
        // A ttl well above failover (failure detection 3 s, a vote): renewals fail meanwhile, and are retried until
        // the local deadline, by which the new leader answers.
        Duration ttl = Timing.scaled(Duration.ofSeconds(12));
        Duration renew = Timing.scaled(Duration.ofSeconds(1));
        List<ParticipantProcess> group = startGroup(true, ttl, renew);
        awaitEachLeads(group);
        ParticipantProcess raftLeader = Await.untilPresent("a process whose member is the Raft leader",
                () -> group.stream().filter(this::isRaftLeader).findFirst(), GENEROUS);
        List<ParticipantProcess> others = group.stream().filter(p -> p != raftLeader).toList();
        List<Integer> marks = others.stream().map(ParticipantProcess::mark).toList();
        List<Long> tokens = others.stream().map(RaftMultiProcessIT::newestToken).toList();
        long killedAt = System.nanoTime();
        raftLeader.kill9();
        // A tenure granted before the kill is trusted for less than a ttl after it: leading past this window proves
        // renewals were answered after the Raft leader died.
        long end = killedAt + ttl.plus(renew.multipliedBy(2)).toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.sleep(200);
        }
        for (int i = 0; i < others.size(); i++) {
            ParticipantProcess p = others.get(i);
            List<String> since = p.texts().subList(marks.get(i), p.texts().size());
            assertTrue(since.stream().noneMatch(l -> l.startsWith("EVENT")), () -> p.id() + " changed role after"
                    + " the Raft leader " + raftLeader.id() + " died: " + since);
            assertTrue(p.askLeader(), () -> p.id() + " still leads its group");
            assertTrue(newestToken(p) == tokens.get(i), () -> p.id() + " kept its tenure");
        }
        assertTokensUnique();
    }

    @Test
    @DisplayName("five JVMs, each leading a group of its own: with two frozen (SIGSTOP) the three others keep their"
            + " tenures; with three frozen the two left cannot renew and step down; once all resume, every process"
            + " leads its group again, tokens never going back")
    void fiveProcessesMinorityAndMajorityFrozen() throws Exception {
        Duration ttl = Timing.scaled(Duration.ofSeconds(12));
        Duration renew = Timing.scaled(Duration.ofSeconds(1));
        List<ParticipantProcess> group = startGroup(5, true, ttl, renew);
        awaitEachLeads(group);
        ParticipantProcess raftLeader = Await.untilPresent("a process whose member is the Raft leader",
                () -> group.stream().filter(this::isRaftLeader).findFirst(), GENEROUS);
        // A minority that spares the Raft leader: the majority needs no new election to go on.
        List<ParticipantProcess> followers = group.stream().filter(p -> p != raftLeader).toList();
        List<ParticipantProcess> minority = followers.subList(0, 2);
        List<ParticipantProcess> rest = group.stream().filter(p -> !minority.contains(p)).toList();
        List<Integer> restMarks = rest.stream().map(ParticipantProcess::mark).toList();
        List<Long> restTokens = rest.stream().map(RaftMultiProcessIT::newestToken).toList();
        for (ParticipantProcess p : minority) {
            p.signal("STOP");
        }
        long frozenAt = System.nanoTime();
        long end = frozenAt + ttl.plus(renew.multipliedBy(2)).toNanos();
        while (System.nanoTime() - end < 0) {
            Thread.sleep(200);
        }
        for (int i = 0; i < rest.size(); i++) {
            ParticipantProcess p = rest.get(i);
            List<String> since = p.texts().subList(restMarks.get(i), p.texts().size());
            assertTrue(since.stream().noneMatch(l -> l.startsWith("EVENT")), () -> p.id() + " changed role while a"
                    + " minority was frozen: " + since);
            assertTrue(newestToken(p) == restTokens.get(i), () -> p.id() + " kept its tenure");
        }

        // Now a majority: two more frozen (three of five), the Raft leader among them.
        List<ParticipantProcess> more = List.of(raftLeader, rest.stream().filter(p -> p != raftLeader).findFirst()
                .orElseThrow());
        List<ParticipantProcess> left = rest.stream().filter(p -> !more.contains(p)).toList();
        List<Integer> leftMarks = left.stream().map(ParticipantProcess::mark).toList();
        for (ParticipantProcess p : more) {
            p.signal("STOP");
        }
        for (int i = 0; i < left.size(); i++) {
            ParticipantProcess p = left.get(i);
            ParticipantProcess.Line lost = p.awaitFrom(leftMarks.get(i), p.id() + " steps down without a majority",
                    l -> l.startsWith("EVENT FOLLOWER"), ttl.plus(GENEROUS));
            assertTrue(lost.text().contains("BACKEND_UNAVAILABLE") || lost.text().contains("EXPIRED"),
                    () -> "the cause of the step-down: " + lost.text());
            assertFalse(p.askLeader(), () -> p.id() + " must not lead without a majority");
        }

        List<Integer> marks = group.stream().map(ParticipantProcess::mark).toList();
        List<Long> before = group.stream().map(RaftMultiProcessIT::newestToken).toList();
        for (ParticipantProcess p : group) {
            if (minority.contains(p) || more.contains(p)) {
                p.signal("CONT");
            }
        }
        for (int i = 0; i < group.size(); i++) {
            ParticipantProcess p = group.get(i);
            ParticipantProcess.Line again = p.awaitFrom(marks.get(i), p.id() + " leads its group again",
                    RaftMultiProcessIT::acquired, ttl.plus(GENEROUS));
            long previous = before.get(i);
            // Greater where the lease expired meanwhile; the same where it was still held and the holder's grant
            // confirmed it (never smaller).
            assertTrue(token(again.text()) >= previous, () -> p.id() + ": token " + again.text() + " after "
                    + previous);
        }
        assertTokensUnique();
    }

    @Test
    @DisplayName("a member killed with kill -9 and started again at once, before the others suspected it, rejoins"
            + " (its join is retried until the failure detector removed its earlier run) and leads its group again")
    void killedMemberRestartedAtOnce() throws Exception {
        List<ParticipantProcess> group = startGroup(true, TTL, RENEW);
        awaitEachLeads(group);
        // Not the Raft leader: the group keeps its leader, and the coordinator that refuses duplicates stays up.
        ParticipantProcess victim = Await.untilPresent("a process whose member follows",
                () -> group.stream().filter(p -> !isRaftLeader(p)).reduce((a, b) -> b), GENEROUS);
        long before = newestToken(victim);
        victim.kill9();
        processes.remove(victim);
        Path logs = Files.createDirectories(base.resolve("logs-restarted"));
        ParticipantProcess again = RaftParticipant.start(members, victim.id(),
                base.resolve("data").resolve(victim.id()), FAILURE_DETECTION, "jobs-" + victim.id(), TTL, RENEW, logs);
        processes.add(again);
        ParticipantProcess.Line led = again.await(again.id() + " leads its group again", RaftMultiProcessIT::acquired,
                TTL.plus(GENEROUS));
        // The same holder id: its lease may still be there and is then confirmed under the same token.
        assertTrue(token(led.text()) >= before, () -> "token " + led.text() + " after " + before);
        try (Stream<String> lines = Files.lines(logs.resolve(again.id() + ".stderr.log"))) {
            System.out.println("join retried while the group still listed the killed run: "
                    + lines.anyMatch(l -> l.contains("BATON-RAFT-0005")));
        }
        assertTokensUnique();
    }

    @Test
    @DisplayName("the whole group killed with kill -9 and started again on its logs: it elects again and tokens go on"
            + " from where they were (never back to 1)")
    void wholeGroupKilledAndRestarted() throws Exception {
        List<ParticipantProcess> group = startGroup();
        ParticipantProcess first = leader(group);
        // A takeover first: more grants, so that a log replayed from scratch could not reach the same tokens.
        List<ParticipantProcess> others = group.stream().filter(p -> p != first).toList();
        List<Integer> marks = others.stream().map(ParticipantProcess::mark).toList();
        first.kill9();
        ParticipantProcess.Line next = takeover(others, marks);
        long highest = token(next.text());
        String highestHolder = others.stream().filter(p -> p.texts().contains(next.text())).findFirst()
                .orElseThrow().id();
        for (ParticipantProcess p : others) {
            p.kill9(); // a power cut: nothing is shut down gracefully
        }
        processes.clear();
        Path logs = Files.createDirectories(base.resolve("logs-restarted"));
        for (ParticipantProcess p : group) {
            processes.add(RaftParticipant.start(members, p.id(), base.resolve("data").resolve(p.id()),
                    FAILURE_DETECTION, "jobs", TTL, RENEW, logs));
        }
        ParticipantProcess leader = leader(processes);
        // Its event line may come a moment after it answers that it leads.
        long token = token(leader.await(leader.id() + " announces its grant", RaftMultiProcessIT::acquired, GENEROUS)
                .text());
        // The lease of the last holder survived in the log: that holder's new run may be confirmed under its token;
        // anyone else gets a new grant, counted on from the log.
        assertTrue(token > highest || (token == highest && leader.id().equals(highestHolder)),
                () -> leader.id() + " leads with token " + token + " after " + highestHolder + " held " + highest);
        assertTokensUnique();
    }

    @Test
    @DisplayName("SIGSTOP of the leader's process: another process leads once the lease ran out, with a greater"
            + " token; after SIGCONT the frozen one says it lost and does not lead")
    void leaderFrozen() throws Exception {
        List<ParticipantProcess> group = startGroup();
        ParticipantProcess frozen = leader(group);
        long frozenToken = newestToken(frozen);
        List<ParticipantProcess> others = group.stream().filter(p -> p != frozen).toList();
        List<Integer> marks = others.stream().map(ParticipantProcess::mark).toList();
        int frozenMark = frozen.mark();
        long stoppedAt = System.nanoTime();
        frozen.signal("STOP");
        ParticipantProcess.Line next = takeover(others, marks);
        long took = next.receivedNanos() - stoppedAt;
        // (Its last renewal may have been sent up to a renew interval before the freeze, so no bound below the ttl
        // can be asserted from out here; RaftFaultsIT measures that bound from the Raft leader change.)
        System.out.println("SIGSTOP handover took " + took / 1_000_000 + " ms (ttl " + TTL.toMillis() + " ms)");
        assertTrue(token(next.text()) > frozenToken);

        frozen.signal("CONT");
        frozen.awaitFrom(frozenMark, "the resumed participant announces it no longer leads",
                l -> l.startsWith("EVENT FOLLOWER"), GENEROUS);
        assertFalse(frozen.askLeader(), "the resumed process must not think it leads");
        ParticipantProcess now = leader(group);
        assertTrue(now != frozen || newestToken(frozen) > token(next.text()),
                "the frozen process leads again only through a new grant");
        assertTokensUnique();
    }
}
