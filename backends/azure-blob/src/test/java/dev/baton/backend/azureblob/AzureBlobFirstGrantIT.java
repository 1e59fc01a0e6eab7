package dev.baton.backend.azureblob;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpPipelinePosition;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.storage.blob.BlobServiceClientBuilder;
import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.tck.fixtures.Await;
import dev.baton.tck.fixtures.Timing;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import reactor.core.publisher.Mono;

/**
 * A new blob's first grant waits for the service's clock to leave the second the blob was made in (up to a second):
 * inside {@code tryAcquire}, but never inside {@code tryAcquireWithoutWaiting}, which the engine's elections use, so
 * the engine's threads do not sleep while many new groups are elected, and the leaders' renewals go on.
 */
class AzureBlobFirstGrantIT {
    @RegisterExtension
    static final AzuriteServer SERVER = new AzuriteServer();

    private static final Duration LIVENESS = Duration.ofSeconds(30);
    private static final Duration LONG = Duration.ofSeconds(60);

    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = toClose.size() - 1; i >= 0; i--) {
            toClose.get(i).close();
        }
    }

    /** Counts the HTTP requests the SDK sends, retries included. */
    private static final class Requests implements HttpPipelinePolicy {
        final AtomicLong sent = new AtomicLong();

        @Override
        public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
            sent.incrementAndGet();
            return next.process();
        }

        @Override
        public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
            sent.incrementAndGet();
            return next.processSync();
        }

        @Override
        public HttpPipelinePosition getPipelinePosition() {
            return HttpPipelinePosition.PER_RETRY;
        }
    }

    private LeaseStore store(Requests requests) {
        LeaseStore s = AzureBlobLeaseStore.builder().serviceClient(new BlobServiceClientBuilder()
                .connectionString(SERVER.connectionString()).addPolicy(requests).buildClient())
                .timeout(Duration.ofSeconds(5)).build();
        toClose.add(s);
        return s;
    }

    @Test
    @DisplayName("without waiting, a new blob's first grant is answered empty at once; asking again sends nothing"
            + " until the service's second has passed, then grants")
    void firstGrantDeferredWithoutRequests() throws Exception {
        Requests requests = new Requests();
        LeaseStore store = store(requests);
        // Almost every new blob's first grant must wait: only one whose reads straddle a second of the service's
        // clock is granted at once, and the wait may be shorter than the pause between two asks. Five new names make a
        // test that never sees a quiet deferral all but impossible.
        for (int n = 0; n < 5; n++) {
            String name = "first-grant-" + n + "-" + System.nanoTime();
            long end = System.nanoTime() + Timing.scaled(LIVENESS).toNanos();
            int quiet = 0; // empty answers that sent nothing: the store waits out the second by itself
            int asked = 0; // empty answers that went to the service (the first; again if the clock's estimate was short)
            Optional<LeaseRecord> granted;
            while (true) {
                long before = requests.sent.get();
                granted = store.tryAcquireWithoutWaiting(name, "a", LONG, Map.of());
                if (granted.isPresent()) {
                    break;
                }
                if (requests.sent.get() == before) {
                    quiet++;
                } else {
                    asked++;
                }
                assertTrue(System.nanoTime() - end < 0, "still deferred after " + LIVENESS);
                Thread.sleep(5);
            }
            LeaseRecord lease = granted.get();
            assertEquals("a", lease.holder());
            LeaseRecord seen = store(new Requests()).tryAcquire(name, "b", LONG, Map.of()).orElseThrow();
            assertEquals("a", seen.holder(), "another participant finds it held");
            assertEquals(lease.token(), seen.token());
            assertTrue(asked <= 2, "deferred answers that sent requests: " + asked + " (quiet ones: " + quiet + ")");
            if (quiet > 0) {
                return;
            }
        }
        fail("five new names: no first grant was deferred without requests");
    }

    @Test
    @DisplayName("one participant elected in 40 new groups: every group leads and no tenure ends, as the lease"
            + " threads renew the first leaders while the others' first grants are deferred on the acquire threads")
    void manyNewGroupsLeadWithoutChurn() throws Exception {
        ElectionSettings settings =
                ElectionSettings.of(Timing.scaled(Duration.ofSeconds(4)), Timing.scaled(Duration.ofSeconds(1)));
        Baton baton = Baton.builder().participant("a").store(store(new Requests())).defaults(settings).build();
        toClose.add(baton);
        List<LeadershipChanged> events = new CopyOnWriteArrayList<>();
        List<LeaderElection> elections = new ArrayList<>();
        String run = Long.toString(System.nanoTime(), 36);
        for (int i = 0; i < 40; i++) {
            LeaderElection e = baton.election("new-group-" + run + "-" + i);
            e.onChange(events::add);
            elections.add(e);
        }
        Await.until("every group leads", () -> elections.stream().allMatch(LeaderElection::isLeader),
                Timing.scaled(LIVENESS));
        // One more ttl: the first leaders' renewals kept coming while the last grants were made, and keep coming.
        Thread.sleep(settings.ttl().toMillis());
        assertTrue(elections.stream().allMatch(LeaderElection::isLeader), "every group still leads");
        Await.until("an event per group", () -> events.size() >= 40, Timing.scaled(LIVENESS));
        assertTrue(events.stream().allMatch(c -> c.cause() == ChangeCause.ACQUIRED),
                () -> "tenures ended: " + events.stream().filter(c -> c.cause() != ChangeCause.ACQUIRED)
                        .map(c -> c.group() + " " + c.cause()).toList());
        assertEquals(40, events.size(), () -> "one event per group: " + events);
    }
}
