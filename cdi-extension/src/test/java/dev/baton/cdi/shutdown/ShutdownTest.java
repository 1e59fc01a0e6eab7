package dev.baton.cdi.shutdown;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.LeaderElection;
import dev.baton.cdi.ElectionGroup;
import dev.baton.cdi.testkit.TestNode;
import dev.baton.cdi.testkit.Waits;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ShutdownTest {

    @Test
    void shutdownWaitsForTheInFlightGuardedCallThenReleases() throws Exception {
        ShutdownService.ORDER.clear();
        TestNode node = TestNode.builder()
                .config("baton.memory.namespace", TestNode.uniqueNamespace())
                .config("baton.shutdown-timeout", "20s")
                .beans(ShutdownService.class)
                .start();
        try {
            LeaderElection work = node.select(LeaderElection.class, ElectionGroup.Literal.of("work"));
            assertTrue(work.awaitLeadership(Waits.soon()));
            ShutdownService service = node.select(ShutdownService.class);
            CountDownLatch entered = new CountDownLatch(1);
            CountDownLatch release = new CountDownLatch(1);
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
            Waits.until(() -> closer.getState() == Thread.State.TIMED_WAITING
                    || closer.getState() == Thread.State.WAITING, "shutdown to wait for the call");
            assertTrue(ShutdownService.ORDER.isEmpty(), "nothing released while the call runs");
            release.countDown();
            call.get(Waits.soon().toMillis(), TimeUnit.MILLISECONDS);
            closer.join(Waits.soon().toMillis());
            assertEquals(List.of("call finished", "released (SHUTDOWN)"), ShutdownService.ORDER);
        } finally {
            node.close();
        }
    }
}
