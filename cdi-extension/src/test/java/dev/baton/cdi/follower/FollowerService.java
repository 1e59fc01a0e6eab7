package dev.baton.cdi.follower;

import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.OnFollower;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/** One guarded method per follower rule, all in the default group. */
@ApplicationScoped
public class FollowerService {
    private final AtomicInteger runs = new AtomicInteger();

    @Inject
    LeaderElection election;

    @Leader
    public void voidJob() {
        runs.incrementAndGet();
    }

    @Leader
    public Optional<String> optionalJob() {
        runs.incrementAndGet();
        return Optional.of("ran");
    }

    @Leader
    public OptionalInt optionalIntJob() {
        runs.incrementAndGet();
        return OptionalInt.of(7);
    }

    @Leader
    public CompletionStage<String> stageJob() {
        runs.incrementAndGet();
        return CompletableFuture.completedFuture("ran");
    }

    @Leader(onFollower = OnFollower.SKIP)
    public CompletableFuture<String> futureJob() {
        runs.incrementAndGet();
        return CompletableFuture.completedFuture("ran");
    }

    /** Returns the fencing token the guarded body sees. */
    @Leader
    public OptionalLong tokenJob() {
        runs.incrementAndGet();
        return election.fencingToken();
    }

    @Leader
    public int count() {
        return runs.incrementAndGet();
    }

    @Leader(onFollower = OnFollower.THROW)
    public void mustRun() {
        runs.incrementAndGet();
    }

    public int runs() {
        return runs.get();
    }
}
