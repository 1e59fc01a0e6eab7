package dev.baton.chaos;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.engine.Baton;
import dev.baton.spi.LeaseStore;
import dev.baton.spi.LeaseStoreFactory;
import dev.baton.tck.fixtures.MapStoreContext;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * One chaos participant, run as its own JVM by {@link ChaosRun}: creates the backend's {@link LeaseStore} through
 * its {@link LeaseStoreFactory} (found with {@link java.util.ServiceLoader} by {@code baton.backend}; every {@code baton.*}
 * system property is its configuration), competes for one group with Baton's engine, runs the
 * {@link GuardedTicker} and records every unit of guarded work and every role change.
 *
 * <p>System properties: {@code chaos.id} (participant id), {@code chaos.record} (record file),
 * {@code chaos.epoch-nanos}, {@code chaos.group} (default {@code chaos}), {@code chaos.ttl} (2s),
 * {@code chaos.renew} (500ms), {@code chaos.tick} (100ms), {@code chaos.probe} (25ms), {@code chaos.unsafe-work}
 * (unset; only for the negative control). SIGTERM shuts Baton down gracefully (release) and writes {@code X}.
 *
 * <p>Record lines besides the ticker's: {@code S id pid nanos wallMillis} at start, {@code E cause role token
 * nanos atMicros validUntilMicros} per role change (token -1 when none; the event's two wall-clock instants), {@code X nanos} after a clean shutdown, {@code F what detail} on
 * an error.
 */
public final class ChaosParticipant {

    private ChaosParticipant() {}

    /**
     * @param args unused; configuration comes from system properties
     * @throws InterruptedException never in practice (the main thread waits for shutdown)
     */
    public static void main(String[] args) throws InterruptedException {
        String id = require("chaos.id");
        Path recordPath = Path.of(require("chaos.record"));
        Duration ttl = duration("chaos.ttl", "2s");
        Duration renew = duration("chaos.renew", "500ms");
        long epoch = Long.parseLong(require("chaos.epoch-nanos"));
        long tick = duration("chaos.tick", "100ms").toNanos();
        long probe = duration("chaos.probe", "25ms").toNanos();
        long unsafeWork = System.getProperty("chaos.unsafe-work") == null
                ? 0 : duration("chaos.unsafe-work", "400ms").toNanos();

        // SIGTERM may come at any moment, even while this JVM is still starting (the controller stops every
        // participant when the run ends, one restarted a moment before included): the hook is installed first, and
        // each step of the start-up checks under the lock whether shutdown has begun.
        Lifecycle life = new Lifecycle();
        CountDownLatch done = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            life.stop();
            done.countDown();
        }, "chaos-shutdown"));

        RecordFile record;
        synchronized (life) {
            if (life.stopping) {
                return;
            }
            record = new RecordFile(recordPath);
            long[] clocks = clockSample();
            record.line("S", id, ProcessHandle.current().pid(), clocks[0], clocks[1]);
            life.record = record;
        }

        LeaseStore store;
        try {
            store = Stores.factory(require("baton.backend")).create(MapStoreContext.fromSystemProperties("baton.", ttl));
        } catch (RuntimeException e) {
            record.line("F", "store", e.toString().replace(' ', '_'));
            throw e;
        }
        synchronized (life) {
            if (life.stopping) {
                store.close(); // stopped before it took part: nothing to release
                return;
            }
            Baton baton = Baton.builder()
                    .store(store)
                    .participant(id)
                    .defaults(ElectionSettings.of(ttl, renew))
                    .shutdownTimeout(Duration.ofSeconds(3))
                    .build();
            life.baton = baton;
            LeaderElection election = baton.election(System.getProperty("chaos.group", "chaos"));
            election.onChange(e -> record.line("E", e.cause(), e.role(),
                    e.fencingToken().isPresent() ? e.fencingToken().getAsLong() : -1, System.nanoTime(),
                    micros(e.at()), micros(e.validUntil())));

            ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "chaos-ticker");
                t.setDaemon(true);
                return t;
            });
            life.ticker = ticker;
            ticker.scheduleAtFixedRate(new GuardedTicker(election, record, epoch, tick, unsafeWork),
                    0, probe, TimeUnit.NANOSECONDS);
        }
        done.await();
    }

    /** What the shutdown hook must stop: whatever of it the start-up got to create. Guarded by itself. */
    private static final class Lifecycle {
        boolean stopping;
        RecordFile record;
        Baton baton;
        ScheduledExecutorService ticker;

        /** Stops the ticker, then Baton (release), then writes the clean-exit line. */
        void stop() {
            RecordFile r;
            Baton b;
            ScheduledExecutorService t;
            synchronized (this) {
                stopping = true;
                r = record;
                b = baton;
                t = ticker;
            }
            if (t != null) {
                t.shutdownNow();
                try {
                    t.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            if (b != null) {
                b.close();
            }
            if (r != null) {
                r.line("X", System.nanoTime());
            }
        }
    }

    /**
     * Reads the monotonic and the wall clock as close together as possible, for the checker's CLOCK premise (every
     * process's wall-minus-monotonic offset agrees): on a busy machine a thread can lose the CPU between two calls,
     * so the pair whose monotonic bracket is narrowest of a few tries is kept.
     *
     * @return the monotonic stamp (middle of the bracket) and the wall-clock milliseconds read inside it
     */
    private static long micros(java.time.Instant i) {
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1_000;
    }

    static long[] clockSample() {
        long bestWidth = Long.MAX_VALUE;
        long[] best = new long[2];
        for (int i = 0; i < 100 && bestWidth > 1_000_000L; i++) {
            long before = System.nanoTime();
            long wall = System.currentTimeMillis();
            long after = System.nanoTime();
            if (after - before < bestWidth) {
                bestWidth = after - before;
                best[0] = before + (after - before) / 2;
                best[1] = wall;
            }
        }
        return best;
    }

    private static String require(String key) {
        String v = System.getProperty(key);
        if (v == null || v.isBlank()) {
            throw new IllegalArgumentException("system property " + key + " is required");
        }
        return v;
    }

    private static Duration duration(String key, String defaultValue) {
        return dev.baton.spi.Durations.parsePositive(System.getProperty(key, defaultValue));
    }
}
