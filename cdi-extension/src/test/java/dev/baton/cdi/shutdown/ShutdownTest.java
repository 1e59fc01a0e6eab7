package dev.baton.cdi.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    /** Whether the thread is parked in the engine's shutdown, waiting for open guarded calls. */
    private static boolean waitingInShutdown(Thread t) {
        Thread.State state = t.getState();
        return (state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING)
                && Arrays.stream(t.getStackTrace()).anyMatch(
                        f -> f.getClassName().equals("dev.baton.engine.GroupElection")
                                && f.getMethodName().equals("shutdown"));
    }

    @Test
    void shutdownWaitsForTheInFlightGuardedCallThenReleases() throws Exception {
        ShutdownService.ORDER.clear();
        // TestNode's long lease keeps the term open however long the call takes; the shutdown timeout is far longer
        // than this test needs, so only the finished call can let the shutdown go on.
        TestNode node = TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .config("baton.shutdown-timeout", Waits.scaled(Duration.ofSeconds(60)).toMillis() + "ms")
                .beans(ShutdownService.class)
                .start();
        CountDownLatch release = new CountDownLatch(1);
        try {
            LeaderElection work = node.select(LeaderElection.class, ElectionGroup.Literal.of("work"));
            assertTrue(work.awaitLeadership(Waits.soon()));
            ShutdownService service = node.select(ShutdownService.class);
            CountDownLatch entered = new CountDownLatch(1);
            CompletableFuture<Void> call = CompletableFuture.runAsync(() -> {
                try {
                    service.longCall(entered, release);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            Waits.await(entered, "the guarded call to start");

            Thread closer = new Thread(node::close, "closer");
            closer.start();
            // The closer blocks on the open term; release the call only once it does.
            Waits.until(() -> waitingInShutdown(closer), "shutdown to wait for the call");
            assertTrue(ShutdownService.ORDER.isEmpty(), "nothing released while the call runs");
            release.countDown();
            call.get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS);
            closer.join(Waits.soon().toMillis());
            assertFalse(closer.isAlive(), "the shutdown ended once the call finished");
            // The SHUTDOWN event is delivered before close() returns.
            assertEquals(List.of("call finished", "released (SHUTDOWN)"), ShutdownService.ORDER);
        } finally {
            release.countDown();
            node.close();
        }
    }
}
