package dev.baton.container;

import dev.baton.Leader;
import dev.baton.OnFollower;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/** {@code @Leader} on CDI business methods (the interceptor's {@code @AroundInvoke}), one per follower rule. */
@ApplicationScoped
public class GuardedService {
    /** The group every method is guarded by. */
    public static final String GROUP = "calls";

    private final AtomicLong runs = new AtomicLong();

    /** Counts a run; skipped on a follower. */
    @Leader(GROUP)
    public void work() {
        runs.incrementAndGet();
    }

    /** @return "value" on the leader, empty on a follower */
    @Leader(GROUP)
    public Optional<String> value() {
        runs.incrementAndGet();
        return Optional.of("value");
    }

    /** @return "led" on the leader; throws {@link dev.baton.NotLeaderException} on a follower */
    @Leader(value = GROUP, onFollower = OnFollower.THROW)
    public String mustLead() {
        runs.incrementAndGet();
        return "led";
    }

    /** @return how many guarded bodies ran */
    public long runs() {
        return runs.get();
    }
}
