package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.HeldLease;
import dev.baton.LeaderElection;
import dev.baton.NotLeaderException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The real scheduler: one small pool for many groups, user code never on it. */
class ThreadingTest {

    @Test
    @DisplayName("200 groups are served by two lease and two acquire threads; listeners run on the event thread")
    void manyGroupsFewThreads() throws Exception {
        ManualScheduler storeClock = new ManualScheduler(); // the store's clock is frozen: leases never expire
        FakeStore store = new FakeStore(storeClock);
        Set<String> listenerThreads = ConcurrentHashMap.newKeySet();
        CountDownLatch acquired = new CountDownLatch(200);
        // Scheduler threads of Batons closed earlier in this JVM may take a moment to end; they are not this one's.
        Set<Thread> earlier = schedulerThreads();
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            baton.onChange(e -> {
                listenerThreads.add(Thread.currentThread().getName());
                acquired.countDown();
            });
            List<LeaderElection> elections = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                elections.add(baton.election("g-" + i, ElectionSettings.of(Duration.ofSeconds(30))));
            }
            assertTrue(acquired.await(Waits.generous().toMillis(), TimeUnit.MILLISECONDS), "all 200 groups acquired");
            // Leases never expire in the frozen store and the local deadlines are 27 s away: all still lead.
            assertTrue(elections.stream().allMatch(LeaderElection::isLeader));
            Set<Thread> ours = schedulerThreads();
            ours.removeAll(earlier);
            assertTrue(ours.size() <= 4, "scheduler threads: " + ours);
            assertTrue(listenerThreads.stream().allMatch(n -> n.startsWith("baton-events-")), listenerThreads.toString());
        }
    }

    @Test
    @DisplayName("acquires stuck on a slow backend do not hold back a leader's renewals: they have threads of their own")
    void stuckAcquiresDoNotDelayRenewals() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler()); // frozen store clock: only the engine's deadlines count
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            LeaderElection led = baton.election("led",
                    ElectionSettings.of(Duration.ofSeconds(30), Duration.ofMillis(200)));
            assertTrue(led.awaitLeadership(Waits.generous()));
            CountDownLatch gate = new CountDownLatch(1);
            store.acquireGate = gate;
            try {
                for (int i = 0; i < 6; i++) {
                    baton.election("slow-" + i, ElectionSettings.of(Duration.ofSeconds(30)));
                }
                Waits.until("two acquires are stuck in the backend", () -> store.stuck.get() >= 2);
                int before = store.renewals.get();
                Waits.until("the leader renews meanwhile", () -> store.renewals.get() >= before + 3);
                assertTrue(led.isLeader());
                assertTrue(store.stuck.get() >= 2, "the acquires were still stuck: " + store.stuck.get());
            } finally {
                gate.countDown();
            }
        }
    }

    /** @return whether the named thread is one of the scheduler's, which call the store */
    private static boolean storeThread(String name) {
        return name.startsWith("baton-lease-") || name.startsWith("baton-acquire-");
    }

    private static Set<Thread> schedulerThreads() {
        Set<Thread> threads = new HashSet<>(Thread.getAllStackTraces().keySet());
        threads.removeIf(t -> !storeThread(t.getName()));
        return threads;
    }

    @Test
    @DisplayName("runWhileLeader interrupts the task and fails its future when leadership ends")
    void runWhileLeader() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler());
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            LeaderElection election = baton.election("long-job", ElectionSettings.of(Duration.ofSeconds(30)));
            assertTrue(election.awaitLeadership(Waits.generous()));
            CountDownLatch started = new CountDownLatch(1);
            var future = election.runWhileLeader(() -> {
                started.countDown();
                Thread.sleep(60_000); // stands for long work that honours interrupts
                return "done";
            });
            assertTrue(started.await(Waits.generous().toMillis(), TimeUnit.MILLISECONDS));
            election.stepDown();
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> future.get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS));
            assertInstanceOf(NotLeaderException.class, failure.getCause());
            assertFalse(election.isLeader());
            var refused = election.runWhileLeader(() -> "never");
            assertTrue(refused.isCompletedExceptionally(), "a follower's task is refused at once");
        }
    }

    @Test
    @DisplayName("stages chained (not async) to runWhileLeader's future and to HeldLease.ended() never run on a lease"
            + " thread, even when a lease thread ends the tenure")
    void userStagesOffLeaseThreads() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler()); // frozen store clock: only a steal ends a tenure
        try (Baton baton = Baton.builder().store(store).participant("p").build()) {
            // Renewed every second on the real scheduler: the renewal after a steal ends the tenure on a lease thread.
            LeaderElection election = baton.election("job", ElectionSettings.of(Duration.ofSeconds(3)));
            assertTrue(election.awaitLeadership(Waits.generous()));
            CompletableFuture<String> stageThread = new CompletableFuture<>();
            var task = election.runWhileLeader(() -> {
                Thread.sleep(60_000); // stands for long work that honours interrupts
                return "done";
            });
            task.whenComplete((v, e) -> stageThread.complete(Thread.currentThread().getName()));
            HeldLease lease = baton.leases().tryAcquire("one-off", Duration.ofSeconds(3)).orElseThrow();
            CompletableFuture<String> endedThread = new CompletableFuture<>();
            lease.ended().thenRun(() -> endedThread.complete(Thread.currentThread().getName()));

            store.steal("job", "someone-else", Duration.ofHours(1));
            store.steal("one-off", "someone-else", Duration.ofHours(1));

            String onTask = stageThread.get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS);
            String onEnded = endedThread.get(Waits.generous().toMillis(), TimeUnit.MILLISECONDS);
            assertFalse(storeThread(onTask), "runWhileLeader's stage ran on " + onTask);
            assertFalse(storeThread(onEnded), "ended()'s stage ran on " + onEnded);
            assertEquals(ChangeCause.LOST_TO_ANOTHER, lease.ended().toCompletableFuture().get());
            ExecutionException failure = org.junit.jupiter.api.Assertions.assertThrows(
                    ExecutionException.class, () -> task.get());
            assertInstanceOf(NotLeaderException.class, failure.getCause());
        }
    }

    @Test
    @DisplayName("awaitLeadership returns false on timeout while another participant leads")
    void awaitTimeout() throws Exception {
        FakeStore store = new FakeStore(new ManualScheduler());
        try (Baton a = Baton.builder().store(store).closeStore(false).participant("a").build();
                Baton b = Baton.builder().store(store).closeStore(false).participant("b").build()) {
            LeaderElection ea = a.election("solo", ElectionSettings.of(Duration.ofSeconds(30)));
            assertTrue(ea.awaitLeadership(Waits.generous()));
            LeaderElection eb = b.election("solo", ElectionSettings.of(Duration.ofSeconds(30)));
            // a's lease never expires in the frozen store, so b cannot lead however slowly this thread runs.
            assertFalse(eb.awaitLeadership(Duration.ofMillis(200)));
            // b learns the holder on its first attempt, on a scheduler thread: wait for it.
            Waits.until("b names a as the leader", () -> eb.leader().equals(Optional.of("a")));
            assertTrue(ea.isLeader());
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
