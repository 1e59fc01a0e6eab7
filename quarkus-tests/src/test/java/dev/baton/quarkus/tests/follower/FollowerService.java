package dev.baton.quarkus.tests.follower;

import dev.baton.Leader;
import dev.baton.LeaderElection;
import dev.baton.OnFollower;
import dev.baton.cdi.ElectionGroup;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Plain (not scheduled) guarded methods of group {@value #GROUP}, one per follower rule; every body records the
 * fencing token it runs under.
 */
@ApplicationScoped
public class FollowerService {
    public static final String GROUP = "jobs";

    private final List<Long> tokens = new CopyOnWriteArrayList<>();

    @Inject
    @ElectionGroup(GROUP)
    LeaderElection election;

    private void ran() {
        tokens.add(election.fencingToken().orElseThrow(() -> new AssertionError("a guarded body ran without a token")));
    }

    @Leader(GROUP)
    public void voidJob() {
        ran();
    }

    @Leader(GROUP)
    public Optional<String> optionalJob() {
        ran();
        return Optional.of("ran");
    }

    @Leader(GROUP)
    public OptionalInt optionalIntJob() {
        ran();
        return OptionalInt.of(7);
    }

    @Leader(GROUP)
    public CompletionStage<String> stageJob() {
        ran();
        return CompletableFuture.completedFuture("ran");
    }

    /** Not skippable: refused on a follower even without onFollower=THROW. */
    @Leader(GROUP)
    public long defaultThrowJob() {
        ran();
        return 1;
    }

    @Leader(value = GROUP, onFollower = OnFollower.THROW)
    public int count() {
        ran();
        return tokens.size();
    }

    public LeaderElection election() {
        return election;
    }

    /** @return the token of every guarded body that ran, in order */
    public List<Long> tokens() {
        return List.copyOf(tokens);
    }
}
