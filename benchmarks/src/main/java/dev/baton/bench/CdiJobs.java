package dev.baton.bench;

import dev.baton.Leader;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Optional;

/** The bean the CDI benchmark calls through Weld's client proxy: the same body guarded and unguarded. */
@ApplicationScoped
public class CdiJobs {
    private long counter;

    /** @return the count, unguarded */
    public Optional<Long> plain() {
        return Optional.of(++counter);
    }

    /** @return the count, when this participant leads group {@code lead} */
    @Leader("lead")
    public Optional<Long> lead() {
        return Optional.of(++counter);
    }

    /** @return empty: another participant leads group {@code follow} */
    @Leader("follow")
    public Optional<Long> follow() {
        return Optional.of(++counter);
    }
}
