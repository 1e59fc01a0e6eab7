package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.LeaderElection;
import dev.baton.Term;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.engine.Baton;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The cost of guarding a call with the engine's {@link LeaderElection#tryEnter()} (what the {@code @Leader}
 * interceptor does around every call), on the leader and on a follower, against the same call unguarded. The
 * memory backend keeps the store out of the picture: renewals run in the background and never on the call path.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class GuardedCallBenchmark {
    private Baton me;
    private Baton other;
    private LeaderElection leading;
    private LeaderElection following;
    private long counter;

    /** Makes this participant lead one group and follow another. */
    @Setup
    public void setUp() throws InterruptedException {
        String namespace = "jmh-" + System.nanoTime();
        ElectionSettings settings = ElectionSettings.of(Duration.ofSeconds(15), Duration.ofSeconds(5));
        other = Baton.builder().store(MemoryLeaseStore.shared(namespace)).participant("other").defaults(settings)
                .build();
        if (!other.election("follow").awaitLeadership(Duration.ofSeconds(10))) {
            throw new IllegalStateException("the other participant did not lead");
        }
        me = Baton.builder().store(MemoryLeaseStore.shared(namespace)).participant("me").defaults(settings).build();
        leading = me.election("lead");
        following = me.election("follow");
        if (!leading.awaitLeadership(Duration.ofSeconds(10)) || following.isLeader()) {
            throw new IllegalStateException("setup failed: leading=" + leading.isLeader() + " following="
                    + following.isLeader());
        }
    }

    /** Closes both participants. */
    @TearDown
    public void tearDown() {
        me.close();
        other.close();
    }

    private long work() {
        return ++counter;
    }

    /** @return the bare call */
    @Benchmark
    public long unguarded() {
        return work();
    }

    /** @return the call entered as leader */
    @Benchmark
    public long guardedOnLeader() {
        return guarded(leading);
    }

    /** @return the call skipped as follower */
    @Benchmark
    public long guardedOnFollower() {
        return guarded(following);
    }

    /** @return the leadership check alone */
    @Benchmark
    public boolean isLeader() {
        return leading.isLeader();
    }

    private long guarded(LeaderElection election) {
        Optional<Term> term = election.tryEnter();
        if (term.isEmpty()) {
            return -1;
        }
        try (Term t = term.get()) {
            return work();
        }
    }
}
