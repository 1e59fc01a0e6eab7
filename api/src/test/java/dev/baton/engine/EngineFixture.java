package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ChangeCause;
import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import dev.baton.Term;
import dev.baton.spi.LeaseRecord;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** Participants on one {@link FakeStore} and one {@link ManualScheduler}; time moves only when the test says. */
final class EngineFixture implements AutoCloseable {
    static final Duration TTL = Duration.ofSeconds(10);
    static final Duration RENEW = Duration.ofSeconds(3);
    static final Duration MARGIN = Duration.ofSeconds(1);
    static final ElectionSettings SETTINGS = new ElectionSettings(TTL, RENEW, MARGIN);

    final ManualScheduler clock = new ManualScheduler();
    final FakeStore store = new FakeStore(clock);
    private final List<Baton> batons = new ArrayList<>();

    /** A participant whose events (of its one group) land in {@link Participant#events}. */
    final class Participant {
        final Baton baton;
        final LeaderElection election;
        final BlockingQueue<LeadershipChanged> events = new LinkedBlockingQueue<>();
        final List<String> eventThreads = new java.util.concurrent.CopyOnWriteArrayList<>();
        private final ManualScheduler scheduler;
        private int barriers;

        Participant(String id, String group, ManualScheduler scheduler, Map<String, String> metadata) {
            this.scheduler = scheduler;
            // close() waits (in real time) for guarded work up to this bound; generous, so that a test holding a term
            // open across close() sees it waiting however slowly its own thread runs.
            baton = Baton.builder().store(store).closeStore(false).participant(id).scheduler(scheduler)
                    .defaults(SETTINGS).shutdownTimeout(Waits.generous()).metadata(metadata).build();
            batons.add(baton);
            baton.onChange(e -> {
                if (e.group().equals(group)) { // not the barrier groups of flushEvents()
                    eventThreads.add(Thread.currentThread().getName());
                    events.add(e);
                }
            });
            election = baton.election(group);
        }

        /**
         * Waits until every event dispatched so far is in {@link #events}, so that a test can assert that none came.
         * Listeners run on Baton's one event thread in dispatch order: once a fresh group's ACQUIRED arrives, every
         * earlier event has. Runs the tasks due now on this participant's clock (time does not move); needs a store
         * that grants.
         */
        void flushEvents() throws InterruptedException {
            CountDownLatch delivered = new CountDownLatch(1);
            baton.election("barrier-" + (++barriers)).onChange(e -> delivered.countDown());
            scheduler.runDueTasks();
            assertTrue(delivered.await(Waits.generous().toMillis(), TimeUnit.MILLISECONDS),
                    "the barrier group's ACQUIRED was not delivered");
        }

        /** The next event, waiting for the event thread to deliver it (events are never delivered synchronously). */
        LeadershipChanged nextEvent() throws InterruptedException {
            LeadershipChanged e = events.poll(Waits.generous().toMillis(), TimeUnit.MILLISECONDS);
            assertNotNull(e, "expected a LeadershipChanged event within " + Waits.generous().toMillis() + " ms");
            return e;
        }
    }

    Participant participant(String id) {
        return new Participant(id, "jobs", clock, Map.of());
    }

    /** A participant advertising leader metadata. */
    Participant participant(String id, Map<String, String> metadata) {
        return new Participant(id, "jobs", clock, metadata);
    }

    /** A participant on its own clock: it only runs when the test advances that clock (a frozen process). */
    Participant participant(String id, ManualScheduler ownClock) {
        return new Participant(id, "jobs", ownClock, Map.of());
    }

    /** A participant that acquired the group alone (its ACQUIRED event taken): run before any other participant. */
    Participant leader(String id) throws InterruptedException {
        Participant p = participant(id);
        clock.runDueTasks();
        assertEquals(ChangeCause.ACQUIRED, p.nextEvent().cause());
        return p;
    }

    /**
     * Runs {@code close} on another thread while {@code p}, the leader, has a term open: close must wait for the term
     * and keep the lease meanwhile, and return once the term is closed.
     */
    void assertCloseWaitsForOpenTerm(Participant p, Runnable close) throws InterruptedException {
        Term term = p.election.tryEnter().orElseThrow();
        Thread closer = new Thread(close, "closer");
        closer.start();
        // close() parks (timed wait) while the term is open. One that did not wait would release the lease (checked
        // below) and return.
        Waits.until("close() waits for the open term or returns", () -> closer.getState() == Thread.State.TIMED_WAITING
                || closer.getState() == Thread.State.TERMINATED);
        assertTrue(closer.isAlive(), "close() returned while guarded work was still running");
        assertEquals(Optional.of(p.baton.participant()),
                store.read("jobs").map(LeaseRecord::holder), "the lease is kept while guarded work runs");
        term.close();
        closer.join(Waits.generous().toMillis());
        assertFalse(closer.isAlive(), "close() returned once the guarded work ended");
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        batons.forEach(Baton::close);
    }
}
