package dev.baton.engine;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.LeadershipChanged;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
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

    /** A participant whose events land in {@link Participant#events}. */
    final class Participant {
        final Baton baton;
        final LeaderElection election;
        final BlockingQueue<LeadershipChanged> events = new LinkedBlockingQueue<>();
        final List<String> eventThreads = new java.util.concurrent.CopyOnWriteArrayList<>();

        Participant(String id, String group, ManualScheduler scheduler) {
            baton = Baton.builder().store(store).closeStore(false).participant(id).scheduler(scheduler)
                    .defaults(SETTINGS).shutdownTimeout(Duration.ofSeconds(5)).build();
            batons.add(baton);
            baton.onChange(e -> {
                eventThreads.add(Thread.currentThread().getName());
                events.add(e);
            });
            election = baton.election(group);
        }

        LeadershipChanged nextEvent() throws InterruptedException {
            LeadershipChanged e = events.poll(5, TimeUnit.SECONDS);
            assertNotNull(e, "expected a LeadershipChanged event within 5 s");
            return e;
        }
    }

    Participant participant(String id) {
        return new Participant(id, "jobs", clock);
    }

    /** A participant on its own clock: it only runs when the test advances that clock (a frozen process). */
    Participant participant(String id, ManualScheduler ownClock) {
        return new Participant(id, "jobs", ownClock);
    }

    void advance(Duration d) {
        clock.advance(d);
    }

    @Override
    public void close() {
        batons.forEach(Baton::close);
    }
}
