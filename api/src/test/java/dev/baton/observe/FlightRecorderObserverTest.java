package dev.baton.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseRecord;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real JFR recording of a real (thread-pool) Baton: acquiring, renewing, a failing renewal, a guarded call skipped
 * and the release at shutdown all appear as Baton's events, with their fields.
 */
class FlightRecorderObserverTest {

    /** One lease in memory; renewals can be made to fail. */
    private static final class OneLeaseStore implements LeaseStore {
        private final Map<String, LeaseRecord> leases = new HashMap<>();
        private long tokens;
        final AtomicBoolean failRenewals = new AtomicBoolean();

        @Override
        public synchronized Optional<LeaseRecord> tryAcquire(String name, String holder, Duration ttl) {
            if (leases.containsKey(name)) {
                return Optional.empty();
            }
            LeaseRecord r = new LeaseRecord(name, holder, ++tokens, ttl);
            leases.put(name, r);
            return Optional.of(r);
        }

        @Override
        public synchronized Optional<LeaseRecord> renew(String name, String holder, long token, Duration ttl) {
            if (failRenewals.get()) {
                throw new LeaseStoreException("injected renewal failure");
            }
            LeaseRecord r = leases.get(name);
            return r != null && r.token() == token ? Optional.of(new LeaseRecord(name, holder, token, ttl))
                    : Optional.empty();
        }

        @Override
        public synchronized boolean release(String name, String holder, long token) {
            LeaseRecord r = leases.get(name);
            return r != null && r.token() == token && leases.remove(name) != null;
        }

        @Override
        public synchronized Optional<LeaseRecord> read(String name) {
            return Optional.ofNullable(leases.get(name));
        }

        @Override
        public Duration maxCallTime() {
            return Duration.ofMillis(100);
        }

        @Override
        public String describe() {
            return "one-lease test store";
        }

        @Override
        public void close() {}
    }

    @Test
    void recordsBatonsEvents(@TempDir Path dir) throws Exception {
        OneLeaseStore store = new OneLeaseStore();
        Path file = dir.resolve("baton.jfr");
        try (Recording recording = new Recording()) {
            recording.enable("dev.baton.LeadershipAcquired");
            recording.enable("dev.baton.LeadershipReleased");
            recording.enable("dev.baton.LeadershipLost");
            recording.enable("dev.baton.LeaseRenewed");
            recording.enable("dev.baton.BackendFailure");
            recording.enable("dev.baton.GuardedCallSkipped");
            recording.start();
            // A long ttl: the renewals below fail for a short while only, never long enough to end the tenure.
            ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(60), Duration.ofMillis(100));
            try (Baton baton = Baton.builder().store(store).participant("p1").defaults(settings).build()) {
                LeaderElection jobs = baton.election("jobs");
                assertTrue(jobs.awaitLeadership(Duration.ofSeconds(30)));
                long renewedBefore = System.nanoTime();
                await(() -> count(recording, dir, "dev.baton.LeaseRenewed") >= 2, "two renewals recorded");
                store.failRenewals.set(true);
                await(() -> count(recording, dir, "dev.baton.BackendFailure") >= 1, "a failed renewal recorded");
                store.failRenewals.set(false);
                assertFalse(System.nanoTime() - renewedBefore > Duration.ofSeconds(50).toNanos(), "the test outran"
                        + " its own ttl; nothing below would mean anything");
                FlightRecorderObserver.guardedCallSkipped("jobs", "com.example.Jobs.run()");
            }
            recording.stop();
            recording.dump(file);
        }
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        RecordedEvent acquired = only(events, "dev.baton.LeadershipAcquired");
        assertEquals("jobs", acquired.getString("group"));
        assertEquals("p1", acquired.getString("participant"));
        assertEquals(1L, acquired.getLong("token"));
        assertEquals("ACQUIRED", acquired.getString("cause"));
        RecordedEvent released = only(events, "dev.baton.LeadershipReleased");
        assertEquals("SHUTDOWN", released.getString("cause"));
        assertEquals(1L, released.getLong("token"));
        assertTrue(events.stream().noneMatch(e -> e.getEventType().getName().equals("dev.baton.LeadershipLost")));
        RecordedEvent renewed = first(events, "dev.baton.LeaseRenewed");
        assertEquals("jobs", renewed.getString("lease"));
        assertTrue(renewed.getDuration("latency").toNanos() >= 0);
        RecordedEvent failure = first(events, "dev.baton.BackendFailure");
        assertEquals("renew", failure.getString("operation"));
        assertEquals("injected renewal failure", failure.getString("message"));
        RecordedEvent skipped = only(events, "dev.baton.GuardedCallSkipped");
        assertEquals("com.example.Jobs.run()", skipped.getString("method"));
        assertEquals("Baton", acquired.getEventType().getCategoryNames().get(0));
    }

    private static long count(Recording recording, Path dir, String name) {
        try {
            Path snapshot = Files.createTempFile(dir, "snapshot", ".jfr");
            recording.dump(snapshot);
            return RecordingFile.readAllEvents(snapshot).stream()
                    .filter(e -> e.getEventType().getName().equals(name)).count();
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long multiple = Long.getLong("baton.test.timing-multiple", 1);
        long end = System.nanoTime() + Duration.ofSeconds(30).multipliedBy(Math.max(1, multiple)).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - end > 0) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20); // the poll interval of a bounded wait
        }
    }

    private static RecordedEvent only(List<RecordedEvent> events, String name) {
        List<RecordedEvent> found = events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
        assertEquals(1, found.size(), name + ": " + found);
        return found.get(0);
    }

    private static RecordedEvent first(List<RecordedEvent> events, String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " recorded"));
    }
}
