package dev.baton.bench;

import dev.baton.ElectionSettings;
import dev.baton.backend.memory.MemoryLeaseStore;
import dev.baton.cdi.BatonExtension;
import dev.baton.engine.Baton;
import io.smallrye.config.inject.ConfigExtension;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
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
 * The {@code @Leader} interceptor's cost in Weld SE (5.1, the Weld of Payara 6 and Helidon 4): the same bean method
 * called through the client proxy with and without {@code @Leader}, on the leader and on a follower. The memory
 * backend; another participant in the same JVM holds group {@code follow}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx256m", "-Dbaton.backend=memory", "-Dbaton.participant=me",
        "-Dbaton.memory.namespace=cdi-bench"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class CdiGuardedCallBenchmark {
    private Baton other;
    private WeldContainer container;
    private CdiJobs jobs;

    /** Starts Weld with the extension and waits until this participant leads {@code lead} only. */
    @Setup
    public void setUp() throws InterruptedException {
        other = Baton.builder().store(MemoryLeaseStore.shared("cdi-bench")).closeStore(false).participant("other")
                .defaults(ElectionSettings.DEFAULTS).build();
        if (!other.election("follow").awaitLeadership(Duration.ofSeconds(10))) {
            throw new IllegalStateException("the other participant did not lead");
        }
        container = new Weld().disableDiscovery().skipShutdownHook()
                .addExtension(new BatonExtension()).addExtension(new ConfigExtension())
                .addBeanClasses(CdiJobs.class).initialize();
        jobs = container.select(CdiJobs.class).get();
        long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (jobs.lead().isEmpty()) {
            if (System.nanoTime() - end > 0) {
                throw new IllegalStateException("the CDI participant never led group 'lead'");
            }
            Thread.sleep(20);
        }
        if (jobs.follow().isPresent()) {
            throw new IllegalStateException("the CDI participant leads group 'follow'");
        }
    }

    /** Stops Weld and the other participant. */
    @TearDown
    public void tearDown() {
        container.shutdown();
        other.close();
    }

    /** @return the unguarded call through the proxy */
    @Benchmark
    public Optional<Long> unguarded() {
        return jobs.plain();
    }

    /** @return the guarded call on the leader */
    @Benchmark
    public Optional<Long> guardedOnLeader() {
        return jobs.lead();
    }

    /** @return the guarded call skipped on a follower */
    @Benchmark
    public Optional<Long> guardedOnFollower() {
        return jobs.follow();
    }
}
