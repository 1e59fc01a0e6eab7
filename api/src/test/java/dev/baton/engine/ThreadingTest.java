package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The real scheduler: one small pool for many groups, user code never on it. */
class ThreadingTest {

    @Test
    @DisplayName("200 groups are served by the two scheduler threads; listeners run on the event thread")
    void manyGroupsFewThreads() throws Exception {
        ManualScheduler storeClock = new ManualScheduler(); // the store's clock is frozen: leases never expire
        FakeStore store = new FakeStore(storeClock);
        Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch acquired = new CountDownLatch(200);
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            baton.onChange(e -> {
                listenerThreads.add(Thread.currentThread().getName());
                acquired.countDown();
            });
            List<LeaderElection> elections = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                elections.add(baton.election("g-" + i, ElectionSettings.of(Duration.ofSeconds(30))));
            }
            assertTrue(acquired.await(10, TimeUnit.SECONDS), "all 200 groups acquired");
            assertTrue(elections.stream().allMatch(LeaderElection::isLeader));
            long leaseThreads = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().startsWith("baton-lease-")).count();
            assertTrue(leaseThreads <= 2, "scheduler threads: " + leaseThreads);
            assertTrue(listenerThreads.stream().allMatch(n -> n.startsWith("baton-events-")), listenerThreads.toString());
        }
    }

    @Test
    @DisplayName("runWhileLeader interrupts the task and fails its future when leadership ends")
    void runWhileLeader() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler());
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            LeaderElection election = baton.election("long-job", ElectionSettings.of(Duration.ofSeconds(30)));
            assertTrue(election.awaitLeadership(Duration.ofSeconds(5)));
            CountDownLatch started = new CountDownLatch(1);
            var future = election.runWhileLeader(() -> {
                started.countDown();
                Thread.sleep(60_000); // stands for long work that honours interrupts
                return "done";
            });
            assertTrue(started.await(5, TimeUnit.SECONDS));
            election.stepDown();
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> future.get(5, TimeUnit.SECONDS));
            assertInstanceOf(NotLeaderException.class, failure.getCause());
            assertFalse(election.isLeader());
            var refused = election.runWhileLeader(() -> "never");
            assertTrue(refused.isCompletedExceptionally(), "a follower's task is refused at once");
        }
    }

    @Test
    @DisplayName("awaitLeadership returns false on timeout while another participant leads")
    void awaitTimeout() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler());
        try (Baton a = Baton.builder().store(store).closeStore(false).participant("a").build();
                Baton b = Baton.builder().store(store).closeStore(false).participant("b").build()) {
            LeaderElection ea = a.election("solo", ElectionSettings.of(Duration.ofSeconds(30)));
            assertTrue(ea.awaitLeadership(Duration.ofSeconds(5)));
            LeaderElection eb = b.election("solo", ElectionSettings.of(Duration.ofSeconds(30)));
            assertFalse(eb.awaitLeadership(Duration.ofMillis(200)));
            assertEquals("a", eb.leader().orElse("?"));
        }
    }

    @Test
    @DisplayName("a clock whose readings are negative (System.nanoTime may be) still elects and expires correctly")
    void negativeNanoTime() {
        ManualScheduler clock = new ManualScheduler(Long.MIN_VALUE / 2);
        FakeStore store = new FakeStore(clock);
        try (Baton baton = Baton.builder().store(store).participant("p").scheduler(clock).build()) {
            LeaderElection election = baton.election("negative", ElectionSettings.of(Duration.ofSeconds(10)));
            clock.runDueTasks();
            assertTrue(election.isLeader());
            clock.jumpWithoutRunning(Duration.ofSeconds(10));
            assertFalse(election.isLeader());
        }
    }
}
